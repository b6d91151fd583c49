#include "descent/optim/lr_scheduler/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "descent/error.hpp"

namespace descent::optim {
namespace {

constexpr std::array<OptionField<ReduceLROnPlateauOptions>, 8> kReduceLrOnPlateauFields = {{
    field<&ReduceLROnPlateauOptions::mode>("mode"),
    field<&ReduceLROnPlateauOptions::factor>("factor"),
    field<&ReduceLROnPlateauOptions::patience>("patience"),
    field<&ReduceLROnPlateauOptions::threshold>("threshold"),
    field<&ReduceLROnPlateauOptions::threshold_mode>("threshold_mode"),
    field<&ReduceLROnPlateauOptions::cooldown>("cooldown"),
    field<&ReduceLROnPlateauOptions::min_lr>("min_lr"),
    field<&ReduceLROnPlateauOptions::eps>("eps"),
}};

constexpr std::array<std::string_view, 3> kOwnKeys = {"best", "num_bad_epochs", "cooldown_counter"};

}  // namespace

std::span<const OptionField<ReduceLROnPlateauOptions>> ReduceLROnPlateauOptions::fields() {
  return kReduceLrOnPlateauFields;
}

void ReduceLROnPlateauOptions::check() const {
  if (mode != "min" && mode != "max") reject_option(kName, "mode", mode, "min or max");
  check_option(factor >= 0 && factor < 1, kName, "factor", factor, "0 <= factor < 1");
  check_option(patience >= 0, kName, "patience", static_cast<double>(patience), "patience >= 0");
  check_option(threshold >= 0, kName, "threshold", threshold, "threshold >= 0");
  if (threshold_mode != "rel" && threshold_mode != "abs")
    reject_option(kName, "threshold_mode", threshold_mode, "rel or abs");
  check_option(cooldown >= 0, kName, "cooldown", static_cast<double>(cooldown), "cooldown >= 0");
  check_option(min_lr >= 0, kName, "min_lr", min_lr, "min_lr >= 0");
  check_option(eps >= 0, kName, "eps", eps, "eps >= 0");
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  options_.check();
  constexpr double inf = std::numeric_limits<double>::infinity();
  best_ = options_.mode == "min" ? inf : -inf;
  last_epoch_ = 0;
}

bool ReduceLROnPlateau::is_better(double a) const {
  const auto& o = options_;
  if (o.mode == "min" && o.threshold_mode == "rel") return a < best_ * (1. - o.threshold);
  if (o.mode == "min") return a < best_ - o.threshold;
  if (o.threshold_mode == "rel") return a > best_ * (o.threshold + 1.);
  return a > best_ + o.threshold;
}

void ReduceLROnPlateau::step() {
  throw ValueError("ReduceLROnPlateau: step() needs the metric it watches: call step(metric)");
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  std::vector<double> lrs = current_lrs();
  if (num_bad_epochs_ > options_.patience) {
    for (double& lr : lrs) {
      const double reduced = std::max(lr * options_.factor, options_.min_lr);
      if (lr - reduced > options_.eps) lr = reduced;
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  set_lrs(lrs);
}

SchedulerState ReduceLROnPlateau::state_dict() const {
  SchedulerState s = LRScheduler::state_dict();
  s["best"] = best_;
  s["num_bad_epochs"] = static_cast<double>(num_bad_epochs_);
  s["cooldown_counter"] = static_cast<double>(cooldown_counter_);
  return s;
}

void ReduceLROnPlateau::load_state_dict(const SchedulerState& state) {
  SchedulerState base = state;
  for (std::string_view key : kOwnKeys) base.erase(std::string(key));
  LRScheduler::load_state_dict(base);
  if (auto it = state.find("best"); it != state.end()) best_ = it->second;
  if (auto it = state.find("num_bad_epochs"); it != state.end())
    num_bad_epochs_ = static_cast<std::int64_t>(it->second);
  if (auto it = state.find("cooldown_counter"); it != state.end())
    cooldown_counter_ = static_cast<std::int64_t>(it->second);
}

}  // namespace descent::optim
