#include "eval_command.hpp"

#include <CLI/CLI.hpp>

#include "config_flags.hpp"
#include "descent/train/evaluate.hpp"
#include "descent/util/output_paths.hpp"
#include "exit_status.hpp"

namespace descent::cli {
namespace {

constexpr const char* kEvalFooter =
    "What it does:\n"
    "  Loads a checkpoint (descent train --save) into the model CONFIG describes and measures it on the\n"
    "  test set (or the training set, less any [data] validation part) as training measures it after each\n"
    "  epoch: the mean loss and the accuracy, the same figures as the epoch line's for the same weights,\n"
    "  and the confusion matrix (rows: true class, columns: predicted class). A Siamese model's pairs are\n"
    "  called similar at the threshold chosen on the training pairs (a 2 x 2 matrix, dissimilar and\n"
    "  similar); a regression (inline examples) gives the loss and the mean squared and absolute errors.\n"
    "  The data must be those the checkpoint was trained on (it records them): other data are refused.\n"
    "  --json writes the figures (the matrix too); descent plot draws the matrix from that file.\n"
    "\n"
    "Example:\n"
    "  descent train examples/nielsen/config.toml --epochs 3 --save nielsen.safetensors\n"
    "  descent eval examples/nielsen/config.toml --checkpoint nielsen.safetensors --json eval.json\n"
    "  descent plot eval.json --output confusion.png\n"
    "\n";

}  // namespace

EvalCommand::EvalCommand(CLI::App& parent)
    : app_(parent.add_subcommand("eval", "A checkpoint's loss, accuracy and confusion matrix on the test set")) {
  app_->allow_extras();
  add_checkpoint_flags(*app_, config_path_, checkpoint_path_);
  add_data_dir_flag(*app_, data_dir_);
  app_->add_option("--split", split_, "The set measured: test (the default) or train")->type_name("test|train");
  app_->add_option("--json", json_, "Also write the figures and the confusion matrix as JSON")->type_name("FILE");
  app_->footer(kEvalFooter + std::string(kExitStatusHelp));
}

bool EvalCommand::selected() const { return app_->parsed(); }

int EvalCommand::run(std::ostream& out, std::ostream& err) const {
  const std::vector<util::OutputPath> outputs = {{"--json", json_.value_or("")}};
  util::check_output_paths(outputs);  // before the data are read
  const train::Evaluation e = train::evaluate_checkpoint(
      config_path_, {.checkpoint = checkpoint_path_, .split = split_, .data_dir = data_dir_, .warnings = &err});
  train::print_evaluation(e, out);
  if (json_) {
    train::write_evaluation_json(e, *json_);
    out << "wrote " << *json_ << '\n';
  }
  return kExitSuccess;
}

}  // namespace descent::cli
