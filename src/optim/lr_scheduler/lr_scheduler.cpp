#include "descent/optim/lr_scheduler/lr_scheduler.hpp"

#include <cmath>

#include "descent/error.hpp"

namespace descent::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lrs_(current_lrs()), last_lr_(base_lrs_) {}

std::vector<double> LRScheduler::current_lrs() const {
  std::vector<double> lrs;
  for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) lrs.push_back(optimizer_.lr(g));
  return lrs;
}

void LRScheduler::set_lrs(const std::vector<double>& lrs) {
  for (std::size_t g = 0; g < lrs.size(); ++g) optimizer_.set_lr(lrs[g], g);
  last_lr_ = current_lrs();
}

void LRScheduler::initial_step() { step(); }

void LRScheduler::step() {
  ++last_epoch_;
  set_lrs(get_lr());
}

void LRScheduler::step(double) { step(); }

SchedulerState LRScheduler::state_dict() const {
  SchedulerState s;
  s["last_epoch"] = static_cast<double>(last_epoch_);
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) {
    s["base_lrs." + std::to_string(g)] = base_lrs_[g];
    s["last_lr." + std::to_string(g)] = last_lr_[g];
  }
  return s;
}

void LRScheduler::load_state_dict(const SchedulerState& state) {
  const std::string who = std::string(name()) + ": load_state_dict: ";
  const std::size_t groups = optimizer_.num_param_groups();
  std::vector<double> base = base_lrs_, last = last_lr_;
  std::int64_t epoch = last_epoch_;
  for (const auto& [key, value] : state) {
    const std::size_t dot = key.find('.');
    const std::string head = key.substr(0, dot);
    if (key == "last_epoch") {
      // Below 2^63 before the cast: casting a larger value (1e308, inf) is undefined.
      if (value != std::floor(value) || !(value >= -1 && value < 0x1p63))
        throw ValueError(who + "last_epoch = " + format_number(value) + ": expected a whole number from -1 to 2^63");
      epoch = static_cast<std::int64_t>(value);
      continue;
    }
    std::size_t g = groups;
    if (dot != key.npos && (head == "base_lrs" || head == "last_lr")) {
      const auto index = parse_integer(key.substr(dot + 1));
      if (index && *index >= 0) g = static_cast<std::size_t>(*index);
    }
    if (g >= groups)
      throw ValueError(who + "unknown key \"" + key +
                       "\" (expected last_epoch, base_lrs.<group> or last_lr.<group>, for " + std::to_string(groups) +
                       " groups)");
    (head == "base_lrs" ? base : last)[g] = value;
  }
  base_lrs_ = base;
  last_epoch_ = epoch;
  set_lrs(last);
}

}  // namespace descent::optim
