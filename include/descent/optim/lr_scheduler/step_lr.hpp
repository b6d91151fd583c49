#pragma once
// StepLR, as torch.optim.lr_scheduler.StepLR (1.13): the lr is multiplied by gamma every step_size
// epochs, lr_e = base_lr * gamma^floor(e / step_size), computed in the chainable form (one
// multiplication at each boundary, e > 0 and e % step_size == 0).
#include <cstdint>
#include <span>
#include <string_view>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct StepLROptions {
  std::int64_t step_size = 0;  // required: epochs between decays
  double gamma = 0.1;

  static constexpr std::string_view kName = "StepLR";
  void check() const;
  static std::span<const OptionField<StepLROptions>> fields();
};

class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, StepLROptions options);
  std::string_view name() const override { return StepLROptions::kName; }
  const StepLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  StepLROptions options_;
};

}  // namespace descent::optim
