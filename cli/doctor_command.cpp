#include "doctor_command.hpp"

#include <CLI/CLI.hpp>

#include "config_flags.hpp"
#include "descent/train/doctor.hpp"
#include "descent/util/output_paths.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

constexpr const char* kDoctorFooter =
    "What it does:\n"
    "  Builds what 'descent train' builds from CONFIG, then\n"
    "  - before any step: looks at the model, loss and data together (a softmax before a loss that applies\n"
    "    its own, no nonlinearity, unscaled inputs, class balance, stored order, constant or badly scaled\n"
    "    weights, optimizer settings), and runs the gradient and descent-direction checks of 'descent check';\n"
    "  - trains, watching per-layer gradient norms, update/weight ratios, dead and saturated units, the loss\n"
    "    and accuracy on training and test examples, and stops as soon as a problem is clear, or after\n"
    "    --max-steps updates (default: the planned updates, at most 2000);\n"
    "  - prints the root cause first, its evidence, and the fix as config keys. Causes and thresholds:\n"
    "    docs/diagnosis.md.\n"
    "  --try-fix applies the first finding's fix to a copy of the config, runs the same number of updates\n"
    "  again and says whether loss and accuracy got clearly better.\n"
    "\n"
    "Example:\n"
    "  descent doctor examples/faults/lr_too_high_mlp.toml --json verdict.json --try-fix\n"
    "\n";

}  // namespace

DoctorCommand::DoctorCommand(CLI::App& parent)
    : app_(parent.add_subcommand("doctor", "Find why a training fails: the root cause, the evidence, a fix")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  add_config_flags(*app_, config_path_, data_dir_);
  app_->add_option("--seed", seed_, "Random seed, >= 0 (overrides train.seed)")->type_name("S");
  app_->add_option("--max-steps", max_steps_, "Updates to watch at most, >= 1 (default: planned, at most 2000)")
      ->type_name("N");
  app_->add_option("--json", json_path_, "Write the verdict as JSON to FILE")->type_name("FILE");
  app_->add_flag("--try-fix", try_fix_, "Apply the first finding's fix to a copy of the config and re-run");
  app_->add_option("--threads", threads_, "BLAS threads, 1 to 4096 (default: the BLAS library's own choice)")
      ->type_name("N");
  app_->footer(kDoctorFooter + std::string(kExitStatusHelp));
}

bool DoctorCommand::selected() const { return app_->parsed(); }

int DoctorCommand::run(std::ostream& out, std::ostream& err) const {
  const std::vector<util::OutputPath> outputs = {{"--json", json_path_}};
  util::check_output_paths(outputs);  // before minutes of diagnosis, not after
  train::DoctorOptions options{.data_dir = data_dir_, .json_path = json_path_, .try_fix = try_fix_, .warnings = &err};
  if (seed_) options.seed = parse_uint_flag("--seed", *seed_);
  if (max_steps_) options.max_steps = parse_int_flag("--max-steps", *max_steps_, 1);
  if (threads_) options.threads = static_cast<int>(parse_int_flag("--threads", *threads_, 1, 4096));
  const train::DoctorReport report = train::run_doctor(config_path_, options, out);
  return report.healthy ? kExitSuccess : kExitCheckFailed;
}

}  // namespace descent::cli
