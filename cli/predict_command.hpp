#pragma once
// `descent predict CONFIG.toml --checkpoint FILE INPUT... [--top K] [--json FILE]`: the top classes of
// each input (IDX files, grey PNG or PGM images, - for values on stdin) with their probabilities
// (descent/train/predict.hpp).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace descent::cli {

class PredictCommand {
 public:
  explicit PredictCommand(CLI::App& parent);
  bool selected() const;
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  std::string config_path_, checkpoint_path_;
  std::vector<std::string> inputs_;
  std::optional<std::string> top_, json_;
};

}  // namespace descent::cli
