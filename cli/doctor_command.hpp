#pragma once
// `descent doctor CONFIG.toml [flags]`: why a training fails. The root cause named, its evidence and a
// fix as config keys; --try-fix confirms the fix with a re-run (descent/train/doctor.hpp).
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class DoctorCommand {
 public:
  // Adds the `doctor` subcommand and its flags to `parent`.
  explicit DoctorCommand(CLI::App& parent);

  bool selected() const;
  // kExitSuccess when the run is healthy, kExitCheckFailed when a problem is found; throws
  // descent::Error on bad input (the caller maps it to status 2).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string config_path_;
  std::optional<std::string> data_dir_;
  std::optional<std::string> seed_;  // flags are read as text and checked in run(), for uniform messages
  std::optional<std::string> max_steps_;
  std::optional<std::string> threads_;
  std::string json_path_;
  bool try_fix_ = false;
};

}  // namespace descent::cli
