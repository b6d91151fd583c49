#include "descent/optim/lr_scheduler/linear_lr.hpp"

#include <array>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<LinearLROptions>, 3> kLinearLrFields = {{
    field<&LinearLROptions::start_factor>("start_factor"),
    field<&LinearLROptions::end_factor>("end_factor"),
    field<&LinearLROptions::total_iters>("total_iters"),
}};

}  // namespace

std::span<const OptionField<LinearLROptions>> LinearLROptions::fields() { return kLinearLrFields; }

void LinearLROptions::check() const {
  // PyTorch takes start_factor = 0 and then divides by zero at epoch 1.
  check_option(start_factor > 0 && start_factor <= 1, kName, "start_factor", start_factor, "0 < start_factor <= 1");
  check_option(end_factor >= 0 && end_factor <= 1, kName, "end_factor", end_factor, "0 <= end_factor <= 1");
  check_option(total_iters >= 1, kName, "total_iters", static_cast<double>(total_iters), "total_iters >= 1");
}

LinearLR::LinearLR(Optimizer& optimizer, LinearLROptions options) : LRScheduler(optimizer), options_(options) {
  options_.check();
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  const auto& o = options_;
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr *= o.start_factor;
    return lrs;
  }
  if (last_epoch_ > o.total_iters) return lrs;
  const double factor =
      1. + (o.end_factor - o.start_factor) / (static_cast<double>(o.total_iters) * o.start_factor +
                                              static_cast<double>(last_epoch_ - 1) * (o.end_factor - o.start_factor));
  for (double& lr : lrs) lr *= factor;
  return lrs;
}

}  // namespace descent::optim
