#pragma once
// One watched training run of `descent doctor`: the model, loss, optimizer and batches a config
// describes, run for a budget of updates under a diagnostics::TrainingWatch, evaluated every few
// updates on a probe of training examples and a part of the test set.
#include <cstdint>
#include <ostream>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/doctor.hpp"

namespace descent::train {

struct SessionOptions {
  std::int64_t budget = 0;
  // Stop at the first evaluation point, at least min_steps in, where a problem is known (found before
  // training, in `known`, or by the watch); false: run the whole budget.
  bool stop_early = true;
  std::int64_t min_steps = 100;
  bool known_problem = false;
  std::ostream* live = nullptr;  // each finding printed as it appears; null: quiet
};

struct SessionResult {
  std::vector<diagnostics::Finding> findings;  // the watch's, in the order found
  std::int64_t steps_run = 0;
  std::int64_t planned_steps = 0;
  RunMetrics metrics;   // at the last evaluation point
  double progress = 0;  // the fraction of the starting loss gone by the end
};

SessionResult run_session(const TrainConfig& config, const TrainData& data, const SessionOptions& options);

// The updates the config plans: epochs x batches per epoch.
std::int64_t planned_updates(const TrainConfig& config, const TrainData& data);

}  // namespace descent::train
