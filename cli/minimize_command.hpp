#pragma once
// `descent minimize FUNCTION --optimizer NAME [options] --x0 V1,V2,... --steps N`: gradient descent on
// a test function or an expression, printing the walk step by step (descent/train/minimize_walk.hpp).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace descent::cli {

class MinimizeCommand {
 public:
  // Adds the `minimize` subcommand and its flags to `parent`.
  explicit MinimizeCommand(CLI::App& parent);

  bool selected() const;
  // Runs after a successful parse; `args` is the whole command line (recorded in the trace). Throws
  // descent::Error on bad input (the caller maps it to status 2).
  int run(const std::vector<std::string>& args, std::ostream& out) const;

 private:
  CLI::App* app_;
  std::string function_;
  std::string optimizer_;
  std::string x0_;
  std::string steps_;  // numbers are read as text and checked in run(), for uniform messages
  std::optional<std::string> every_;
  std::optional<std::string> dtype_;
  std::optional<std::string> trace_path_;
  std::vector<std::string> compare_;  // "adam:lr=0.05:betas=0.9,0.999"
  std::optional<std::string> output_;
};

}  // namespace descent::cli
