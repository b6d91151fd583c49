#include "commands_help.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

#include "exit_status.hpp"

namespace descent::cli {

std::string commands_help(const CLI::App& app) {
  auto flag = [](const CLI::Option& opt) {
    const std::string type = opt.get_type_name();
    return "--" + opt.get_lnames().front() + (type.empty() ? "" : " " + type);
  };
  auto is_flag = [](const CLI::Option& opt) {
    return !opt.get_positional() && !opt.get_lnames().empty() && opt.get_lnames().front() != "help";
  };
  std::ostringstream os;
  for (const CLI::App* cmd : app.get_subcommands({})) {
    os << "descent " << cmd->get_name() << ": " << cmd->get_description() << " (details: descent " << cmd->get_name()
       << " --help)\n  descent " << cmd->get_name();
    for (const CLI::Option* opt : cmd->get_options())
      if (opt->get_positional()) os << ' ' << opt->get_name(true);
    for (const CLI::Option* opt : cmd->get_options())
      if (is_flag(*opt)) os << (opt->get_required() ? " " + flag(*opt) : " [" + flag(*opt) + ']');
    os << '\n';
    for (const CLI::Option* opt : cmd->get_options()) {
      if (!is_flag(*opt)) continue;
      std::string name = flag(*opt);
      name.resize(std::max<std::size_t>(name.size() + 2, 20), ' ');
      os << "    " << name << opt->get_description() << '\n';
    }
    os << '\n';
  }
  os << "descent train looks for data in --data-dir, else $DESCENT_DATA, else /usr/share/datasets/fashion-mnist.\n\n"
     << kExitStatusHelp;
  return os.str();
}

}  // namespace descent::cli
