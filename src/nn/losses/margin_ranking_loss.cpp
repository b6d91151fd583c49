// MarginRankingLoss l = max(0, -y (x1 - x2) + margin), y = +1 or -1 (PyTorch 1.13).
#include "descent/nn/losses/margin_ranking_loss.hpp"

#include "../piecewise.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "target_checks.hpp"

namespace descent::nn {

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLoss& options) {
  const char* loss = "MarginRankingLoss";
  checks::same_shape(loss, input1, "input1", input2, "input2");
  checks::same_shape(loss, input1, "input1", target, "target");
  checks::is_floating(loss, input1, "input1");
  checks::labels_in(loss, target, "target", 1.0, -1.0);
  const Tensor minus_y = kernels::affine(checks::as_labels(target, input1.dtype()), -1.0, 0.0);
  // max(0, -y (x1 - x2) + margin)
  return reduce(hinge(mul(minus_y, sub(input1, input2)) + options.margin), options.reduction);
}

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, Reduction reduction) {
  return margin_ranking_loss(input1, input2, target, MarginRankingLoss{.reduction = reduction});
}

}  // namespace descent::nn
