#pragma once
// `descent summary CONFIG.toml`: the model a config builds, layer by layer, as torchinfo's summary
// prints it (descent/diagnostics/model_summary.hpp): type, output shape for one example, parameters,
// and the totals. Reads no data.
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class SummaryCommand {
 public:
  // Adds the `summary` subcommand to `parent`.
  explicit SummaryCommand(CLI::App& parent);

  bool selected() const;
  // Prints the table; throws descent::Error on a bad config (the caller maps it to status 2).
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  std::string config_path_;
  std::optional<std::string> batch_;  // checked in run(), as every flag
};

}  // namespace descent::cli
