#include "descent/optim/lr_scheduler/cosine_annealing_lr.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<CosineAnnealingLROptions>, 2> kCosineAnnealingLrFields = {{
    field<&CosineAnnealingLROptions::T_max>("T_max"),
    field<&CosineAnnealingLROptions::eta_min>("eta_min"),
}};

}  // namespace

std::span<const OptionField<CosineAnnealingLROptions>> CosineAnnealingLROptions::fields() {
  return kCosineAnnealingLrFields;
}

void CosineAnnealingLROptions::check() const {
  check_option(T_max >= 1, kName, "T_max", static_cast<double>(T_max), "T_max >= 1");
  check_option(eta_min >= 0, kName, "eta_min", eta_min, "eta_min >= 0");
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions options)
    : LRScheduler(optimizer), options_(options) {
  options_.check();
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  constexpr double pi = std::numbers::pi;
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  const double e = static_cast<double>(last_epoch_), t = static_cast<double>(options_.T_max);
  const double eta_min = options_.eta_min;
  if ((last_epoch_ - 1 - options_.T_max) % (2 * options_.T_max) == 0) {
    for (std::size_t g = 0; g < lrs.size(); ++g)
      lrs[g] = lrs[g] + (base_lrs_[g] - eta_min) * (1 - std::cos(pi / t)) / 2;
    return lrs;
  }
  const double ratio = (1 + std::cos(pi * e / t)) / (1 + std::cos(pi * (e - 1) / t));
  for (double& lr : lrs) lr = ratio * (lr - eta_min) + eta_min;
  return lrs;
}

}  // namespace descent::optim
