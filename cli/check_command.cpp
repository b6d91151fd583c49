#include "check_command.hpp"

#include <CLI/CLI.hpp>

#include "config_flags.hpp"
#include "descent/train/check.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kCheckFooter =
    "What it does:\n"
    "  Builds the network, loss and optimizer that CONFIG describes, exactly as 'descent train' does, takes\n"
    "  the first mini-batch that training would draw, and runs two checks in float64:\n"
    "  - gradients: backward's gradient of every parameter tensor against central differences (--samples K\n"
    "    elements per tensor, 100 by default, 0 for all); a table with the largest errors and where they are.\n"
    "    An element whose difference straddles a kink (a ReLU input, a max-pool tie) is re-tested with a\n"
    "    smaller eps, or left out with a count when it sits on the kink: never reported as wrong;\n"
    "  - descent direction: one step of the optimizer at lr x 1e-3, lr x 1e-4 and the configured lr,\n"
    "    the loss change it predicts (g . d) against the change it makes, and per parameter tensor the\n"
    "    cosine between the update and -g. A probe step that raises the loss, or a negative cosine, is a\n"
    "    failure: the update goes uphill. A rise only at the configured lr is a warning (a step too large).\n"
    "  Each failure is explained in one sentence naming the parameter.\n"
    "\n"
    "Data:\n"
    "  As for 'descent train': --data-dir, else $DESCENT_DATA, else /usr/share/datasets/fashion-mnist.\n"
    "\n"
    "Example:\n"
    "  descent check examples/nielsen/config.toml\n"
    "\n";

}  // namespace

CheckCommand::CheckCommand(CLI::App& parent)
    : app_(parent.add_subcommand("check", "Check a config's gradients and its optimizer's direction on one batch")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  add_config_flags(*app_, config_path_, data_dir_);
  app_->add_option("--batch", batch_, "Examples in the checked batch, >= 1 (default: train.batch_size)")
      ->type_name("N");
  app_->add_option("--samples", samples_,
                   "Elements checked per parameter tensor, >= 0; 0 checks every element (default: 100)")
      ->type_name("K");
  app_->add_option("--seed", seed_,
                   "Random seed, >= 0, for initialization, the batch and the samples (overrides train.seed)")
      ->type_name("S");
  app_->footer(kCheckFooter + std::string(kExitStatusHelp));
}

bool CheckCommand::selected() const { return app_->parsed(); }

int CheckCommand::run(std::ostream& out, std::ostream& err) const {
  train::CheckOptions options{.data_dir = data_dir_, .warnings = &err};
  if (samples_) options.samples = parse_int_flag("--samples", *samples_, 0);
  if (batch_) options.batch = parse_int_flag("--batch", *batch_, 1);
  if (seed_) options.seed = parse_uint_flag("--seed", *seed_);
  return train::check_config(config_path_, options, out) ? kExitSuccess : kExitCheckFailed;
}

}  // namespace descent::cli
