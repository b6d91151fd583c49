#pragma once
// ReduceLROnPlateau, as torch.optim.lr_scheduler.ReduceLROnPlateau (1.13): step(metric) once per
// epoch; when the metric has not improved for more than `patience` epochs, every group's lr becomes
// max(lr * factor, min_lr) (unless that changes it by eps or less), then `cooldown` epochs pass
// before bad epochs count again. Improving means, for mode min, metric < best * (1 - threshold)
// (threshold_mode rel) or metric < best - threshold (abs); for mode max the mirror image.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct ReduceLROnPlateauOptions {
  std::string mode = "min";  // min | max
  double factor = 0.1;
  std::int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  // rel | abs
  std::int64_t cooldown = 0;
  double min_lr = 0;
  double eps = 1e-8;

  static constexpr std::string_view kName = "ReduceLROnPlateau";
  void check() const;
  static std::span<const OptionField<ReduceLROnPlateauOptions>> fields();
};

class ReduceLROnPlateau : public LRScheduler {
 public:
  explicit ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options = {});
  std::string_view name() const override { return ReduceLROnPlateauOptions::kName; }
  const ReduceLROnPlateauOptions& options() const { return options_; }

  // Throws ValueError: this schedule needs the metric.
  void step() override;
  void step(double metric) override;
  bool uses_metric() const override { return true; }

  double best() const { return best_; }
  std::int64_t num_bad_epochs() const { return num_bad_epochs_; }

  // Adds "best", "num_bad_epochs" and "cooldown_counter" to the base's keys.
  SchedulerState state_dict() const override;
  void load_state_dict(const SchedulerState& state) override;

 protected:
  std::vector<double> get_lr() override { return current_lrs(); }

 private:
  bool is_better(double a) const;

  ReduceLROnPlateauOptions options_;
  double best_;
  std::int64_t num_bad_epochs_ = 0;
  std::int64_t cooldown_counter_ = 0;
};

}  // namespace descent::optim
