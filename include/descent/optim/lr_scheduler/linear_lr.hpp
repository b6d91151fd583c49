#pragma once
// LinearLR, as torch.optim.lr_scheduler.LinearLR (1.13): a warm-up (or decay) by a factor moving
// linearly from start_factor at epoch 0 to end_factor at epoch total_iters, then held:
//   lr_e = base_lr (start_factor + (end_factor - start_factor) min(e, total_iters) / total_iters)
// computed, as PyTorch does, in its recursive form: lr_0 = base_lr start_factor, then for 0 < e <= total_iters
//   lr_e = lr_{e-1} (1 + (end_factor - start_factor) / (total_iters start_factor + (e - 1)(end_factor - start_factor)))
#include <cstdint>
#include <span>
#include <string_view>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct LinearLROptions {
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  std::int64_t total_iters = 5;

  static constexpr std::string_view kName = "LinearLR";
  void check() const;
  static std::span<const OptionField<LinearLROptions>> fields();
};

class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, LinearLROptions options = {});
  std::string_view name() const override { return LinearLROptions::kName; }
  const LinearLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  LinearLROptions options_;
};

}  // namespace descent::optim
