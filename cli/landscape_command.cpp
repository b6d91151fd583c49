#include "landscape_command.hpp"

#include <CLI/CLI.hpp>

#include "config_flags.hpp"
#include "descent/train/checkpoint_landscape.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kLandscapeFooter =
    "What it does:\n"
    "  Loads the weights of a checkpoint (descent train --save) into the model CONFIG describes and evaluates\n"
    "  the loss on the first --batch training examples at weights + a*d (a line) or + a*d1 + b*d2 (a plane)\n"
    "  for a, b in [-span, span]. gradient is the steepest descent -grad L / |grad L| on that batch; random\n"
    "  a seeded Gaussian direction; both have unit length over all parameters together.\n"
    "  Writes the values as CSV (a,loss or a,b,loss) and draws them: a curve, or contour lines.\n"
    "  The data must be those the checkpoint was trained on (it records them): other data are refused.\n"
    "\n"
    "Example:\n"
    "  descent train examples/nielsen/config.toml --epochs 3 --save nielsen.safetensors\n"
    "  descent landscape examples/nielsen/config.toml --checkpoint nielsen.safetensors --direction gradient \\\n"
    "      --span 5 --output landscape.png\n"
    "\n";

}  // namespace

LandscapeCommand::LandscapeCommand(CLI::App& parent)
    : app_(parent.add_subcommand("landscape", "The loss along a line or over a plane through a checkpoint's weights")) {
  app_->allow_extras();
  add_checkpoint_flags(*app_, config_path_, checkpoint_path_);
  app_->add_option("--direction", direction_,
                   "gradient or random (a line), or two of them separated by a comma (a plane); default gradient")
      ->type_name("DIR[,DIR]");
  app_->add_option("--span", span_, "How far to go each way, in weight-space distance (default 1)")->type_name("S");
  app_->add_option("--points", points_, "Points per axis, >= 3 (default 41)")->type_name("N");
  app_->add_option("--output", output_, "The picture: OUT.png or OUT.svg")->type_name("OUT")->required();
  app_->add_option("--csv", csv_, "The values as CSV (default: OUT with .csv)")->type_name("FILE");
  add_data_dir_flag(*app_, data_dir_);
  app_->add_option("--batch", batch_, "Training examples the loss is evaluated on, >= 1 (default 1000)")
      ->type_name("N");
  app_->add_option("--seed", seed_, "Seed of the random directions (default: train.seed)")->type_name("S");
  app_->footer(kLandscapeFooter + std::string(kExitStatusHelp));
}

bool LandscapeCommand::selected() const { return app_->parsed(); }

int LandscapeCommand::run(std::ostream& out, std::ostream& err) const {
  train::CheckpointLandscapeOptions options{.checkpoint = checkpoint_path_, .direction = direction_, .output = output_};
  if (span_) options.span = parse_positive_flag("--span", *span_);
  if (points_) options.points = parse_int_flag("--points", *points_, 3);
  if (batch_) options.batch = parse_int_flag("--batch", *batch_, 1);
  if (seed_) options.seed = parse_uint_flag("--seed", *seed_);
  options.csv = csv_;
  options.data_dir = data_dir_;
  options.warnings = &err;
  train::draw_checkpoint_landscape(config_path_, options, out);
  return kExitSuccess;
}

}  // namespace descent::cli
