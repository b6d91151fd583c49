#pragma once
// The learning-rate scheduler base, as torch.optim.lr_scheduler._LRScheduler (1.13). A scheduler sets
// the lr of every parameter group of one optimizer, which must outlive it. Call step() after the
// optimizer's step(): once per epoch, or once per batch for OneCycleLR; ReduceLROnPlateau takes
// step(metric). Building a scheduler sets the lr of epoch 0 at once, as PyTorch's constructor does
// with its initial step.
//
// The values are PyTorch's to the last bit: each schedule computes the new lr from the group's
// current lr in PyTorch's chainable form (StepLR multiplies by gamma at each boundary, LinearLR and
// CosineAnnealingLR use their recursive ratios), with the same operations in the same order.
//
// State dict (SchedulerState, names to numbers): "last_epoch", "base_lrs.<g>", "last_lr.<g>" and what
// a schedule keeps of its own (ReduceLROnPlateau: "best", "num_bad_epochs", "cooldown_counter"); the
// options are not in it. To resume: build the optimizer and the scheduler as for the first run, then
// load both state dicts. Loading a scheduler's state also sets the optimizer's lrs to its last_lr.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

using SchedulerState = std::map<std::string, double>;

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // The schedule's name as PyTorch spells it: "StepLR".
  virtual std::string_view name() const = 0;

  // One epoch (OneCycleLR: one batch) has passed: last_epoch + 1 and its lrs.
  virtual void step();
  // The same for schedules that watch a metric (ReduceLROnPlateau); the others ignore the metric.
  virtual void step(double metric);
  // Whether step(metric) reads the metric.
  virtual bool uses_metric() const { return false; }

  // The lr of each group as the last step (or the constructor) set it.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  std::int64_t last_epoch() const { return last_epoch_; }
  // The lr of each group when the schedule began (PyTorch's initial_lr).
  const std::vector<double>& base_lrs() const { return base_lrs_; }

  virtual SchedulerState state_dict() const;
  // Throws ValueError for a key it does not know or a group the optimizer lacks, changing nothing.
  virtual void load_state_dict(const SchedulerState& state);

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  // The first step, to epoch 0: the last line of each schedule's constructor.
  void initial_step();
  // Each group's lr for last_epoch_ (already advanced), from the groups' current lrs: PyTorch's get_lr().
  virtual std::vector<double> get_lr() = 0;
  // Sets every group's lr and records it as the last lr.
  void set_lrs(const std::vector<double>& lrs);
  std::vector<double> current_lrs() const;

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::int64_t last_epoch_ = -1;
  std::vector<double> last_lr_;
};

}  // namespace descent::optim
