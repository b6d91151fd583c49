#pragma once
// ExponentialLR, as torch.optim.lr_scheduler.ExponentialLR (1.13): lr_e = base_lr * gamma^e, in the
// chainable form (one multiplication per epoch after the first).
#include <span>
#include <string_view>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

namespace descent::optim {

struct ExponentialLROptions {
  double gamma = 0;  // required

  static constexpr std::string_view kName = "ExponentialLR";
  void check() const;
  static std::span<const OptionField<ExponentialLROptions>> fields();
};

class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, ExponentialLROptions options);
  std::string_view name() const override { return ExponentialLROptions::kName; }
  const ExponentialLROptions& options() const { return options_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  ExponentialLROptions options_;
};

}  // namespace descent::optim
