#pragma once
// `descent eval CONFIG.toml --checkpoint FILE [--data-dir DIR] [--split test|train] [--json FILE]`: a
// checkpoint's loss, accuracy (pair accuracy, or regression error) and confusion matrix on a split of
// the config's data (descent/train/evaluate.hpp).
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class EvalCommand {
 public:
  explicit EvalCommand(CLI::App& parent);
  bool selected() const;
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string config_path_, checkpoint_path_, split_ = "test";
  std::optional<std::string> data_dir_, json_;
};

}  // namespace descent::cli
