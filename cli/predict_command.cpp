#include "predict_command.hpp"

#include <CLI/CLI.hpp>

#include "config_flags.hpp"
#include "descent/train/predict.hpp"
#include "descent/util/output_paths.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kPredictFooter =
    "Inputs:\n"
    "  an IDX file (every image in it, gzip or raw), as MNIST's t10k-images-idx3-ubyte.gz;\n"
    "  a grey PNG or PGM (P5 or P2) image of the model's input size (28 x 28 for the examples), white\n"
    "  strokes on black as MNIST's; colour images are refused, not converted;\n"
    "  - : numbers on stdin, separated by spaces or lines, the model's input size of them per input,\n"
    "  taken as its input values as they are (already preprocessed).\n"
    "  Images are preprocessed as training preprocessed its data: pixels / 255 ([data] normalize =\n"
    "  \"unit\", the default), the bytes (\"none\"), or pixels / 255 standardized by the training set's\n"
    "  statistics, which the checkpoint stores (\"standardize\").\n"
    "\n"
    "What it prints:\n"
    "  One line per input: the K classes with the largest outputs, best first, each with its probability\n"
    "  (\"seven.png: 7 (0.9812), 3 (0.0101), 9 (0.00502)\"): the softmax of the model's output (its logits),\n"
    "  or the output itself when the model ends in softmax, exp(output) when it ends in log_softmax. A model\n"
    "  trained on inline examples (a regression) prints its output values instead.\n"
    "  --json writes, per input, the top K (class, probability) and the logits: every output value in full\n"
    "  precision.\n"
    "\n"
    "Example:\n"
    "  descent train examples/nielsen/config.toml --epochs 3 --save nielsen.safetensors\n"
    "  descent predict examples/nielsen/config.toml --checkpoint nielsen.safetensors seven.png --top 3\n"
    "\n";

}  // namespace

PredictCommand::PredictCommand(CLI::App& parent)
    : app_(parent.add_subcommand("predict", "The top classes of images with their probabilities, by a checkpoint")) {
  app_->allow_extras();
  add_checkpoint_flags(*app_, config_path_, checkpoint_path_);
  app_->add_option("INPUT", inputs_, "IDX files, PNG or PGM images, or - (numbers on stdin)")
      ->type_name("")
      ->required();
  app_->add_option("--top", top_, "Classes printed per input, best first (default 3, or all when fewer)")
      ->type_name("K");
  app_->add_option("--json", json_, "Also write the top classes and every output value as JSON")->type_name("FILE");
  app_->footer(kPredictFooter + std::string(kExitStatusHelp));
}

bool PredictCommand::selected() const { return app_->parsed(); }

int PredictCommand::run(std::ostream& out) const {
  train::PredictOptions options{.checkpoint = checkpoint_path_, .inputs = inputs_};
  if (top_) options.top = parse_int_flag("--top", *top_, 1);
  const std::vector<util::OutputPath> outputs = {{"--json", json_.value_or("")}};
  util::check_output_paths(outputs);
  const train::Predictions p = train::predict(config_path_, options);
  train::print_predictions(p, out);
  if (json_) train::write_predictions_json(p, *json_);
  return kExitSuccess;
}

}  // namespace descent::cli
