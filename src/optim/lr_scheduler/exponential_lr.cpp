#include "descent/optim/lr_scheduler/exponential_lr.hpp"

#include <array>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<ExponentialLROptions>, 1> kExponentialLrFields = {
    {field<&ExponentialLROptions::gamma>("gamma")}};

}  // namespace

std::span<const OptionField<ExponentialLROptions>> ExponentialLROptions::fields() { return kExponentialLrFields; }

void ExponentialLROptions::check() const { check_option(gamma > 0, kName, "gamma", gamma, "gamma > 0"); }

ExponentialLR::ExponentialLR(Optimizer& optimizer, ExponentialLROptions options)
    : LRScheduler(optimizer), options_(options) {
  options_.check();
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr *= options_.gamma;
  return lrs;
}

}  // namespace descent::optim
