// MSELoss l = (x - y)^2 (PyTorch); Nielsen's quadratic cost C = 1/(2n) sum |y - a|^2.
#include "descent/nn/losses/mse_loss.hpp"

#include <algorithm>

#include "descent/autograd/ops/loss.hpp"
#include "loss_options.hpp"
#include "target_checks.hpp"

namespace descent::nn {

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELoss& options) {
  checks::same_shape("MSELoss", input, "input", target, "target");
  const Reduction reduction = options.reduction;
  if (reduction == Reduction::None) return squared_error(input, target);
  const double scale =
      reduction == Reduction::Mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(input.numel(), 1)) : 1.0;
  return squared_error_sum(input, target, scale);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return mse_loss(input, target, MSELoss{.reduction = reduction});
}

Tensor quadratic_cost(const Tensor& output, const Tensor& target) {
  checks::same_shape("quadratic cost", output, "output", target, "target");
  const std::int64_t n = output.dim() >= 2 ? output.shape()[0] : 1;
  return squared_error_sum(output, target, 0.5 / static_cast<double>(std::max<std::int64_t>(n, 1)));
}

// The config's entries: mse and Nielsen's quadratic cost, both against targets or one-hot labels.
const LossType& mse_loss_type() {
  static const LossType type{"mse",
                             "mean squared error (x - y)^2, torch.nn.MSELoss",
                             LossTargets::Values,
                             loss_options<ReductionOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               const auto o = loss_options_from_text<ReductionOptions>("mse", options);
                               return against_values(MSELoss{.reduction = reduction_from_string(o.reduction)},
                                                     context.classes);
                             },
                             0.0};
  return type;
}

const LossType& quadratic_loss_type() {
  static const LossType type{"quadratic",
                             "Nielsen's quadratic cost 1/(2n) sum |a - y|^2, the batch mean whatever the reduction",
                             LossTargets::Values,
                             loss_options<ReductionOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               loss_options_from_text<ReductionOptions>("quadratic", options);  // checked, then ignored
                               return against_values(QuadraticCost{}, context.classes);
                             },
                             0.0};
  return type;
}

}  // namespace descent::nn
