#pragma once
// `descent export CONFIG.toml --checkpoint F [--output W.safetensors] [--onnx MODEL.onnx]`: a trained
// model for PyTorch and other tools. The state_dict (parameters and buffers, PyTorch's names, the dtype
// trained) goes to a safetensors file (descent/io/state_dict_file.hpp), the model in evaluation form to
// an ONNX file (descent/io/onnx_export.hpp); a Siamese model's are its tower's. Each output is an option
// of its own, so that other formats are further outputs of the same loaded model.
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
  std::string onnx_;    // --onnx: the ONNX model
};

}  // namespace descent::cli
