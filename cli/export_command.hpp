#pragma once
// `descent export CONFIG.toml --checkpoint F --output W.safetensors`: a trained model's weights alone,
// for PyTorch and other tools. The state_dict (parameters and buffers, PyTorch's names, the dtype
// trained) goes to a safetensors file (descent/io/state_dict_file.hpp); a Siamese model's is its
// tower's. Each output is an option of its own, so that other formats are further outputs of the same
// loaded model.
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

class ExportCommand {
 public:
  // Adds the `export` subcommand and its flags to `parent`.
  explicit ExportCommand(CLI::App& parent);

  bool selected() const;
  // Runs after a successful parse; throws descent::Error on bad input (the caller maps it to status 2).
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  std::string config_path_;
  std::string checkpoint_path_;
  std::string output_;  // --output: the safetensors file of the state_dict
};

}  // namespace descent::cli
