#include "usage_errors.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string_view>
#include <vector>

#include "descent/util/join.hpp"

namespace descent::cli {
namespace {

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

}  // namespace

std::string help_hint(const CLI::App& cmd) { return "; run '" + command_path(cmd) + " --help' for usage"; }

std::string leftover_message(const CLI::App& cmd) {
  std::vector<std::string> left = cmd.remaining();
  std::erase(left, "--");  // CLI11 keeps the separator among the leftovers
  if (left.empty()) return {};
  const std::string arg = left.front();
  const std::string where = " for '" + command_path(cmd) + "'";
  if (arg.size() < 2 || arg[0] != '-') {
    if (!cmd.get_parent() && !cmd.get_subcommands({}).empty()) {
      std::vector<std::string> names;
      for (const CLI::App* sub : cmd.get_subcommands({})) names.push_back(sub->get_name());
      return "unknown command " + arg + " (commands: " + util::join(names) + ")";
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

}  // namespace descent::cli
