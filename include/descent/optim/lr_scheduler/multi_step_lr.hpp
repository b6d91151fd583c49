#pragma once
// MultiStepLR, as torch.optim.lr_scheduler.MultiStepLR (1.13): the lr is multiplied by gamma when
// the epoch reaches each milestone, lr_e = base_lr * gamma^(milestones <= e), in the chainable form.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct MultiStepLROptions {
  std::vector<std::int64_t> milestones;  // required: increasing epochs
  double gamma = 0.1;

  static constexpr std::string_view kName = "MultiStepLR";
  void check() const;
  static std::span<const OptionField<MultiStepLROptions>> fields();
};

class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, MultiStepLROptions options);
  std::string_view name() const override { return MultiStepLROptions::kName; }
  const MultiStepLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  MultiStepLROptions options_;
};

}  // namespace descent::optim
