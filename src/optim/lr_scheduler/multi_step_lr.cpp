#include "descent/optim/lr_scheduler/multi_step_lr.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<MultiStepLROptions>, 2> kMultiStepLrFields = {{
    field<&MultiStepLROptions::milestones>("milestones"),
    field<&MultiStepLROptions::gamma>("gamma"),
}};

}  // namespace

std::span<const OptionField<MultiStepLROptions>> MultiStepLROptions::fields() { return kMultiStepLrFields; }

void MultiStepLROptions::check() const {
  const std::string text = format_integers(milestones);
  const bool increasing =
      std::adjacent_find(milestones.begin(), milestones.end(), std::greater_equal<>()) == milestones.end();
  if (milestones.empty() || milestones.front() < 0 || !increasing)
    reject_option(kName, "milestones", text.empty() ? "(none)" : text, "increasing epochs >= 0, e.g. 30,80");
  check_option(gamma >= 0, kName, "gamma", gamma, "gamma >= 0");
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, MultiStepLROptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  options_.check();
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  std::vector<double> lrs = current_lrs();
  const auto& m = options_.milestones;
  if (!std::binary_search(m.begin(), m.end(), last_epoch_)) return lrs;
  for (double& lr : lrs) lr *= options_.gamma;
  return lrs;
}

}  // namespace descent::optim
