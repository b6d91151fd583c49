#pragma once
// OneCycleLR, as torch.optim.lr_scheduler.OneCycleLR (1.13), the 1cycle policy of Smith & Topin
// (2018, "Super-Convergence"). Stepped once per batch, over total_steps steps (or epochs *
// steps_per_epoch), the lr anneals
//   from max_lr / div_factor up to max_lr over the first pct_start of the steps, then
//   down to max_lr / (div_factor * final_div_factor) over the rest;
// three_phase: up, back down to max_lr / div_factor symmetrically, then on to the minimum (Smith's
// original shape). Each phase anneals by cosine, end + (start - end)(1 + cos(pi pct)) / 2, or
// linearly. With cycle_momentum the momentum (SGD, RMSprop) or beta1 (Adam, AdamW) runs the other
// way, from max_momentum down to base_momentum and back. Where PyTorch departs from Smith: the
// default anneals by cosine, where the paper is linear, and it ends in one long annealing phase.
// max_lr is one number for every parameter group (PyTorch also takes one per group).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct OneCycleLROptions {
  double max_lr = 0;             // required
  std::int64_t total_steps = 0;  // else epochs * steps_per_epoch
  std::int64_t epochs = 0;
  std::int64_t steps_per_epoch = 0;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  // cos | linear
  bool cycle_momentum = true;
  double base_momentum = 0.85;
  double max_momentum = 0.95;
  double div_factor = 25;
  double final_div_factor = 1e4;
  bool three_phase = false;

  static constexpr std::string_view kName = "OneCycleLR";
  void check() const;
  static std::span<const OptionField<OneCycleLROptions>> fields();
};

class OneCycleLR : public LRScheduler {
 public:
  // Throws ValueError when cycle_momentum is set and the optimizer has neither momentum nor betas.
  OneCycleLR(Optimizer& optimizer, OneCycleLROptions options);
  std::string_view name() const override { return OneCycleLROptions::kName; }
  const OneCycleLROptions& options() const { return options_; }
  std::int64_t total_steps() const { return total_steps_; }

 protected:
  // Throws ValueError past total_steps.
  std::vector<double> get_lr() override;

 private:
  struct Phase {
    double end_step;
    double start_lr, end_lr, start_momentum, end_momentum;
  };
  double anneal(double start, double end, double pct) const;

  OneCycleLROptions options_;
  std::int64_t total_steps_;
  std::vector<Phase> phases_;
  std::string momentum_option_;  // "momentum" or "betas[0]"; empty without cycle_momentum
};

}  // namespace descent::optim
