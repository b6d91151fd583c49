#include "export_command.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <vector>

#include "config_flags.hpp"
#include "descent/error.hpp"
#include "descent/io/onnx_export.hpp"
#include "descent/io/state_dict_file.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/util/join.hpp"
#include "descent/util/output_paths.hpp"
#include "exit_status.hpp"

namespace descent::cli {
namespace {

constexpr const char* kExportFooter =
    "What it does:\n"
    "  Builds the model CONFIG describes, loads the weights of the checkpoint (descent train --save, or a\n"
    "  file of weights such as --output writes) and writes the model's state_dict: every parameter and\n"
    "  buffer (batch norm's running_mean, running_var and num_batches_tracked, a 0-d int64), in the dtype\n"
    "  trained, no optimizer state, as safetensors. The names are those torch.nn.Sequential gives the same\n"
    "  layers (\"0.weight\", \"1.running_mean\"): PyTorch's load_state_dict(strict=True) takes the tensors as\n"
    "  numpy reads them (examples/pytorch_interop/). A Siamese model's file holds its tower's weights.\n"
    "  descent train --init-from (or [model] init_from) starts a run from such a file.\n"
    "  --onnx writes the model in its evaluation form (dropout the identity, batch norm with its running\n"
    "  statistics) as an ONNX model of opset 13, for ONNX Runtime, OpenCV's DNN module and the like: one\n"
    "  float32 input \"input\" of shape (N, 1, 28, 28) or (N, 784), as the config's model.input_shape or\n"
    "  model.layers[0], N the batch size: the values the model takes, after the data's preprocessing\n"
    "  (pixels / 255 with normalize = \"unit\", the default); one output \"output\": the last layer's values\n"
    "  (logits: no softmax added). Weights are float32. A layer with no ONNX form is an error naming it.\n"
    "  At least one of --output and --onnx.\n"
    "\n"
    "Example:\n"
    "  descent train examples/lenet/mnist.toml --epochs 1 --save lenet.safetensors\n"
    "  descent export examples/lenet/mnist.toml --checkpoint lenet.safetensors --output lenet_weights.safetensors\n"
    "  descent export examples/lenet/mnist.toml --checkpoint lenet.safetensors --onnx lenet.onnx\n"
    "\n";

// The network the config builds, with the checkpoint's weights; the tower of a Siamese one.
std::shared_ptr<nn::Module> trained_model(train::TrainConfig config, const std::string& checkpoint) {
  config.model.init_from.clear();  // the checkpoint holds the weights
  Generator gen(config.seed);
  std::shared_ptr<nn::Module> network = train::build_network(config, gen);
  train::load_weights(checkpoint, config, *network);
  if (const auto* siamese = dynamic_cast<const nn::Siamese*>(network.get())) return siamese->tower();
  return network;
}

}  // namespace

ExportCommand::ExportCommand(CLI::App& parent)
    : app_(parent.add_subcommand("export", "Write a trained model's weights for PyTorch (safetensors)")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  add_checkpoint_flags(*app_, config_path_, checkpoint_path_);
  app_->add_option("--output", output_,
                   "The state_dict as safetensors: parameters and buffers under PyTorch's names, no optimizer "
                   "state")
      ->type_name("W.safetensors");
  app_->add_option("--onnx", onnx_,
                   "The model in evaluation form as ONNX (opset 13): float32 input after preprocessing, the last "
                   "layer's values as output")
      ->type_name("MODEL.onnx");
  app_->footer(kExportFooter + std::string(kExitStatusHelp));
}

bool ExportCommand::selected() const { return app_->parsed(); }

int ExportCommand::run(std::ostream& out) const {
  if (output_.empty() && onnx_.empty())
    throw ConfigError("export: nothing to write: expected --output W.safetensors or --onnx MODEL.onnx (or both)");
  std::vector<util::OutputPath> outputs;
  if (!output_.empty()) outputs.push_back({"--output", output_});
  if (!onnx_.empty()) outputs.push_back({"--onnx", onnx_});
  util::check_output_paths(outputs);  // before the model is built
  const train::TrainConfig config = train::parse_config(config_path_);
  const std::shared_ptr<nn::Module> model = trained_model(config, checkpoint_path_);
  model->eval();
  if (!onnx_.empty()) {  // first: a layer without an ONNX form fails before any file is written
    const std::vector<std::int64_t> shape = config.model.example_shape();
    io::export_onnx(*model, shape, onnx_);
    out << "wrote " << onnx_ << ": ONNX opset " << io::kOnnxOpset << ", input (N, " << util::join(shape)
        << ") float32, output the last layer's values\n";
  }
  if (output_.empty()) return kExitSuccess;
  io::save_state_dict(output_, *model);
  const auto state = model->state_dict();
  std::int64_t numbers = 0;
  for (const auto& [name, t] : state) numbers += t.numel();
  out << "wrote " << output_ << ": " << state.size() << " tensors (" << numbers << " numbers, "
      << to_string(config.dtype) << "), the state_dict of " << config_path_ << "'s model under PyTorch's names\n";
  return kExitSuccess;
}

}  // namespace descent::cli
