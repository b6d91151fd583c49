#include "descent/optim/lr_scheduler/step_lr.hpp"

#include <array>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<StepLROptions>, 2> kStepLrFields = {{
    field<&StepLROptions::step_size>("step_size"),
    field<&StepLROptions::gamma>("gamma"),
}};

}  // namespace

std::span<const OptionField<StepLROptions>> StepLROptions::fields() { return kStepLrFields; }

void StepLROptions::check() const {
  check_option(step_size >= 1, kName, "step_size", static_cast<double>(step_size), "step_size >= 1");
  check_option(gamma >= 0, kName, "gamma", gamma, "gamma >= 0");
}

StepLR::StepLR(Optimizer& optimizer, StepLROptions options) : LRScheduler(optimizer), options_(options) {
  options_.check();
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0 || last_epoch_ % options_.step_size != 0) return lrs;
  for (double& lr : lrs) lr *= options_.gamma;
  return lrs;
}

}  // namespace descent::optim
