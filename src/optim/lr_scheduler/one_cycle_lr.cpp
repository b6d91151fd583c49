#include "descent/optim/lr_scheduler/one_cycle_lr.hpp"

#include <array>
#include <cmath>
#include <numbers>

#include "descent/error.hpp"

namespace descent::optim {
namespace {

constexpr std::array<OptionField<OneCycleLROptions>, 12> kOneCycleLrFields = {{
    field<&OneCycleLROptions::max_lr>("max_lr"),
    field<&OneCycleLROptions::total_steps>("total_steps"),
    field<&OneCycleLROptions::epochs>("epochs"),
    field<&OneCycleLROptions::steps_per_epoch>("steps_per_epoch"),
    field<&OneCycleLROptions::pct_start>("pct_start"),
    field<&OneCycleLROptions::anneal_strategy>("anneal_strategy"),
    field<&OneCycleLROptions::cycle_momentum>("cycle_momentum"),
    field<&OneCycleLROptions::base_momentum>("base_momentum"),
    field<&OneCycleLROptions::max_momentum>("max_momentum"),
    field<&OneCycleLROptions::div_factor>("div_factor"),
    field<&OneCycleLROptions::final_div_factor>("final_div_factor"),
    field<&OneCycleLROptions::three_phase>("three_phase"),
}};

}  // namespace

std::span<const OptionField<OneCycleLROptions>> OneCycleLROptions::fields() { return kOneCycleLrFields; }

void OneCycleLROptions::check() const {
  check_option(max_lr > 0, kName, "max_lr", max_lr, "max_lr > 0");
  if (total_steps == 0) {
    const std::string both = "epochs and steps_per_epoch >= 1, or total_steps >= 1";
    check_option(epochs >= 1, kName, "epochs", static_cast<double>(epochs), both);
    check_option(steps_per_epoch >= 1, kName, "steps_per_epoch", static_cast<double>(steps_per_epoch), both);
  }
  check_option(total_steps >= 0, kName, "total_steps", static_cast<double>(total_steps), "total_steps >= 1");
  check_option(pct_start >= 0 && pct_start <= 1, kName, "pct_start", pct_start, "0 <= pct_start <= 1");
  if (anneal_strategy != "cos" && anneal_strategy != "linear")
    reject_option(kName, "anneal_strategy", anneal_strategy, "cos or linear");
  check_option(div_factor > 0, kName, "div_factor", div_factor, "div_factor > 0");
  check_option(final_div_factor > 0, kName, "final_div_factor", final_div_factor, "final_div_factor > 0");
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleLROptions options)
    : LRScheduler(optimizer), options_(std::move(options)) {
  const auto& o = options_;
  o.check();
  total_steps_ = o.total_steps > 0 ? o.total_steps : o.epochs * o.steps_per_epoch;
  const double initial_lr = o.max_lr / o.div_factor, min_lr = initial_lr / o.final_div_factor;
  const double total = static_cast<double>(total_steps_);
  if (o.three_phase)
    phases_ = {{o.pct_start * total - 1, initial_lr, o.max_lr, o.max_momentum, o.base_momentum},
               {2 * o.pct_start * total - 2, o.max_lr, initial_lr, o.base_momentum, o.max_momentum},
               {total - 1, initial_lr, min_lr, o.max_momentum, o.max_momentum}};
  else
    phases_ = {{o.pct_start * total - 1, initial_lr, o.max_lr, o.max_momentum, o.base_momentum},
               {total - 1, o.max_lr, min_lr, o.base_momentum, o.max_momentum}};
  if (o.cycle_momentum) {
    momentum_option_ = optimizer_.has_option("betas[0]")   ? "betas[0]"
                       : optimizer_.has_option("momentum") ? "momentum"
                                                           : "";
    if (momentum_option_.empty())
      throw ValueError("OneCycleLR: cycle_momentum = true needs an optimizer with momentum or betas; " +
                       std::string(optimizer_.name()) + " has neither (set cycle_momentum = false)");
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g)
      optimizer_.set_group_option(g, momentum_option_, o.max_momentum);
  }
  base_lrs_.assign(optimizer_.num_param_groups(), initial_lr);
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == "linear") return (end - start) * pct + start;
  const double cos_out = std::cos(std::numbers::pi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
  const std::int64_t step = last_epoch_;
  if (step > total_steps_)
    throw ValueError("OneCycleLR: tried to step " + std::to_string(step + 1) + " times; total_steps is " +
                     std::to_string(total_steps_));
  double lr = 0, momentum = 0, start_step = 0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const Phase& p = phases_[i];
    if (static_cast<double>(step) <= p.end_step || i + 1 == phases_.size()) {
      const double pct = (static_cast<double>(step) - start_step) / (p.end_step - start_step);
      lr = anneal(p.start_lr, p.end_lr, pct);
      momentum = anneal(p.start_momentum, p.end_momentum, pct);
      break;
    }
    start_step = p.end_step;
  }
  if (!momentum_option_.empty())
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g)
      optimizer_.set_group_option(g, momentum_option_, momentum);
  return std::vector<double>(optimizer_.num_param_groups(), lr);
}

}  // namespace descent::optim
