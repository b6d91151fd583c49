#include "descent/train/divergence_guard.hpp"

#include <algorithm>
#include <cmath>

#include "descent/util/number_text.hpp"

namespace descent::train {

DivergenceGuard::DivergenceGuard(std::string loss, double lower_bound, double first_losses_mean,
                                 std::int64_t first_losses)
    : loss_(std::move(loss)), lower_bound_(lower_bound), mean_(first_losses_mean), count_(first_losses) {}

std::string DivergenceGuard::check(std::int64_t step, double value) {
  if (!std::isfinite(value)) return {};
  auto g = [](double x) { return util::format_number(x, ".6g"); };
  // Written only for a loss that is reported: formatting it every update cost 2.6% of W1's step.
  auto what = [&] { return "the loss " + loss_ + " = " + g(value) + " at update " + std::to_string(step); };
  const double margin = 1e-5 * std::max(1.0, count_ > 0 ? std::abs(mean_) : std::abs(value));
  if (value < lower_bound_ - margin)
    return what()
        .append(" is below ")
        .append(g(lower_bound_))
        .append(", the least ")
        .append(loss_)
        .append(
            " can be: the model's output is not what the loss takes (docs/losses.md; nll takes "
            "log-probabilities, a log_softmax output)");
  const double base = std::isfinite(lower_bound_) ? lower_bound_ : 0.0;
  if (count_ > 0 && mean_ - base > 0 && value - base > kRiseFactor * (mean_ - base)) {
    std::string why = what();
    why.append(" is more than ").append(g(kRiseFactor)).append(" times the mean loss of the first ");
    why.append(std::to_string(count_)).append(count_ == 1 ? " update" : " updates").append(", ").append(g(mean_));
    if (base != 0) why.append(" (both measured from the loss's bound ").append(g(base)).append(")");
    return why.append(": the training diverges (is the learning rate too high?)");
  }
  if (count_ < kFirstUpdates) {
    mean_ += (value - mean_) / static_cast<double>(count_ + 1);
    ++count_;
  }
  return {};
}

}  // namespace descent::train
