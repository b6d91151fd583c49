#pragma once
// `descent check CONFIG.toml [flags]`: the model, loss and optimizer a config describes, checked on one
// real batch: gradients against central differences, and whether one optimizer step goes downhill
// (descent/diagnostics/model_check.hpp).
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class CheckCommand {
 public:
  // Adds the `check` subcommand and its flags to `parent`.
  explicit CheckCommand(CLI::App& parent);

  bool selected() const;
  // Runs after a successful parse: kExitSuccess when every check passes, kExitCheckFailed when one
  // fails; throws descent::Error on bad input (the caller maps it to status 2).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string config_path_;
  std::optional<std::string> data_dir_;
  std::optional<std::string> batch_;  // flags are read as text and checked in run(), for uniform messages
  std::optional<std::string> samples_;
  std::optional<std::string> seed_;
};

}  // namespace descent::cli
