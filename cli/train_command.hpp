#pragma once
// `descent train CONFIG.toml [flags]`: one training run from a TOML config (descent/train/run.hpp).
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class TrainCommand {
 public:
  // Adds the `train` subcommand and its flags to `parent`.
  explicit TrainCommand(CLI::App& parent);

  bool selected() const;
  // Runs after a successful parse; throws descent::Error on bad input (the caller maps it to status 2).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  // The command that resumes this run from `checkpoint`: its own flags, with --resume CHECKPOINT.
  std::string resume_command(const std::string& checkpoint) const;

  CLI::App* app_;
  std::string config_path_;
  std::optional<std::string> data_dir_;
  std::optional<std::string> epochs_;  // flags are read as text and checked in run(), for uniform messages
  std::optional<std::string> seed_;
  std::optional<std::string> threads_;
  std::string metrics_path_;
  std::string trace_path_;
  std::string save_path_;
  std::optional<std::string> save_every_;
  std::string resume_path_;
  std::string save_best_path_;
  std::string init_from_;
  bool diagnose_ = false;
};

}  // namespace descent::cli
