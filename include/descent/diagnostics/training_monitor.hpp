#pragma once
// Watching a training run step by step: each parameter tensor's gradient norm and update-to-weight
// ratio |Δθ| / |θ| (about 1e-3 is healthy; 1e-1 and up means a step too large, 1e-6 and down a step
// too small or a vanishing gradient), and a warning when the loss rises over a window of steps.
#include <cstdint>
#include <deque>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent {

struct MonitorOptions {
  std::int64_t every = 0;        // report norms and ratios every `every` updates; 0: never
  std::int64_t loss_window = 0;  // warn when the mean loss of the last `loss_window` steps exceeds the
                                 // mean of the window before it; 0: never
};

struct ParameterStats {
  std::string name;
  double grad_norm = 0, weight_norm = 0, update_norm = 0;
  double update_ratio() const { return weight_norm > 0 ? update_norm / weight_norm : 0.0; }
};

class TrainingMonitor {
 public:
  TrainingMonitor(std::vector<std::pair<std::string, Tensor>> parameters, MonitorOptions options, std::ostream& out);

  // Call after backward, before the optimizer's step; `step` counts the updates made so far.
  void before_update(std::int64_t step);
  // Call after the optimizer's step with the loss the step was computed from.
  void after_update(std::int64_t step, double loss);

  const std::vector<ParameterStats>& last_stats() const { return stats_; }
  std::int64_t warnings() const { return warnings_; }

 private:
  bool reporting(std::int64_t step) const { return options_.every > 0 && step % options_.every == 0; }

  std::vector<std::pair<std::string, Tensor>> parameters_;
  MonitorOptions options_;
  std::ostream& out_;
  std::vector<Tensor> before_;  // parameter values before the update being reported
  std::vector<ParameterStats> stats_;
  std::deque<double> losses_;
  std::int64_t warnings_ = 0;
};

}  // namespace descent
