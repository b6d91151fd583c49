// Builds the descent command line with CLI11, dispatches to the subcommand and turns every failure into
// one line on `err`, "descent: <message>", and an exit status (exit_status.hpp).
#include "app.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <sstream>

#include "check_command.hpp"
#include "descent/error.hpp"
#include "exit_status.hpp"
#include "landscape_command.hpp"
#include "minimize_command.hpp"
#include "plot_command.hpp"
#include "train_command.hpp"

namespace descent::cli {
namespace {

constexpr const char* kDescription =
    "descent trains small neural networks described by a TOML config file on MNIST-format data, and runs\n"
    "the same optimizers on any function of a few variables, step by step.";

// Levenshtein distance, for "did you mean --epochs?".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string command_path(const CLI::App& cmd) {
  return cmd.get_parent() ? command_path(*cmd.get_parent()) + " " + cmd.get_name() : cmd.get_name();
}

std::string help_hint(const CLI::App& cmd) { return "; run '" + command_path(cmd) + " --help' for usage"; }

// The first argument `cmd` did not take, as a message; empty when it took them all.
std::string leftover_message(const CLI::App& cmd) {
  std::vector<std::string> left = cmd.remaining();
  std::erase(left, "--");  // CLI11 keeps the separator among the leftovers
  if (left.empty()) return {};
  const std::string arg = left.front();
  const std::string where = " for '" + command_path(cmd) + "'";
  if (arg.size() < 2 || arg[0] != '-') {
    if (!cmd.get_parent() && !cmd.get_subcommands({}).empty()) {
      std::string names;
      for (const CLI::App* sub : cmd.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
      return "unknown command " + arg + " (commands: " + names + ")";
    }
    return "unexpected argument " + arg + where;
  }
  const std::string name = arg.substr(0, arg.find('='));
  std::string message = "unknown option " + name + where;
  std::string best;
  std::size_t best_distance = 3;  // suggest only near misses
  for (const CLI::Option* opt : cmd.get_options())
    for (const std::string& lname : opt->get_lnames()) {
      const std::string flag = "--" + lname;
      std::size_t d = edit_distance(name, flag);
      if (d < best_distance) best_distance = d, best = flag;
    }
  if (!best.empty()) message += " (did you mean " + best + "?)";
  else if (arg[1] != '-') message += " (an argument that starts with '-' goes after --)";
  return message;
}

// The top-level --help lists each command with all its flags, so one page describes everything.
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

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app(kDescription, "descent");
  app.allow_extras();  // leftovers are reported below, with a suggestion
  app.require_subcommand(0, 1);
  TrainCommand train(app);
  CheckCommand check(app);
  MinimizeCommand minimize(app);
  PlotCommand plot(app);
  LandscapeCommand landscape(app);
  app.footer([&app] { return commands_help(app); });

  auto bad_input = [&err](const std::string& message) {
    err << "descent: " << message << '\n';
    return kExitBadInput;
  };

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();  // the selected subcommand's help, if any
    return kExitSuccess;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitSuccess;
  } catch (const CLI::ParseError& e) {
    const std::vector<CLI::App*> selected = app.get_subcommands();
    return bad_input(e.what() + help_hint(selected.empty() ? app : *selected.front()));
  }

  for (const CLI::App* cmd : app.get_subcommands())
    if (std::string message = leftover_message(*cmd); !message.empty()) return bad_input(message + help_hint(*cmd));
  if (std::string message = leftover_message(app); !message.empty()) return bad_input(message + help_hint(app));

  try {
    if (train.selected()) return train.run(out);
    if (check.selected()) return check.run(out);
    if (minimize.selected()) return minimize.run(args, out);
    if (plot.selected()) return plot.run(out);
    if (landscape.selected()) return landscape.run(out);
  } catch (const TrainingDiverged& e) {
    err << "descent: " << e.what() << '\n';
    return kExitCheckFailed;
  } catch (const Error& e) {
    return bad_input(e.what());
  } catch (const std::exception& e) {
    err << "descent: internal error: " << e.what() << '\n';
    return kExitInternal;
  }

  err << app.help();
  return bad_input("missing a command, e.g. descent train examples/nielsen/config.toml");
}

}  // namespace descent::cli
