#pragma once
// `descent doctor`: why a training fails. Builds what `descent train` builds from the config, then
//   1. looks before any step: the model, loss and data together (diagnostics/model_inspection.hpp,
//      data_inspection.hpp, optimizer_inspection.hpp), then the float64 gradient check and the
//      descent-direction check of `descent check` on the first batch;
//   2. trains, watching gradients, updates, activations and the loss (diagnostics/training_watch.hpp),
//      evaluating on a probe of training examples and a part of the test set every few updates, and
//      stops as soon as a problem is clear, or after the budget: max_steps, by default the config's
//      planned updates up to 2,000;
//   3. names the root cause first, with its evidence and a fix written as config keys
//      (train/doctor_fix.hpp), and with try_fix re-runs the same budget with the fix applied.
// The rules and thresholds: docs/diagnosis.md.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "descent/diagnostics/finding.hpp"

namespace descent::train {

struct DoctorOptions {
  std::optional<std::string> data_dir = {};  // else $DESCENT_DATA, else Debian's (resolve_data_dir)
  std::optional<std::uint64_t> seed = {};    // overrides train.seed
  std::optional<std::int64_t> max_steps = {};
  std::string json_path;  // the verdict as JSON; empty: none
  bool try_fix = false;
  int threads = 0;                   // 0: leave the BLAS default
  std::ostream* warnings = nullptr;  // e.g. a --data-dir the config does not read; null: std::cerr
};

// Where a run ended, on the doctor's evaluation sets; NaN where the task has no accuracy.
struct RunMetrics {
  double test_accuracy = 0, test_loss = 0, train_loss = 0;
};

struct FixResult {
  std::vector<std::pair<std::string, std::string>> applied;  // the first finding's fix
  RunMetrics before, after;
  std::int64_t after_steps = 0;  // the fixed run's updates: the original's, or the fixed plan's
  bool confirmed = false;        // the fixed run's loss and accuracy are clearly better
};

struct DoctorReport {
  bool healthy = true;
  std::int64_t steps_run = 0;
  std::int64_t planned_steps = 0;
  double seconds = 0;
  std::vector<diagnostics::Finding> findings;  // ordered: problems first, the most likely root cause first
  RunMetrics metrics;
  std::optional<FixResult> fix_result;
};

// Throws descent::Error on bad input (the config, the data, the options).
DoctorReport run_doctor(const std::string& config_path, const DoctorOptions& options, std::ostream& out);

// The report as the JSON object `--json` writes.
std::string doctor_json(const DoctorReport& report);

}  // namespace descent::train
