// The fused loss ops: MSE's squared error, softmax cross-entropy, and the two binary cross-entropies,
// each forward beside its backward (PyTorch 1.13's formulas; the loops are in tensor/kernels/).
#include "descent/autograd/ops/loss.hpp"

#include <algorithm>

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/loss.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/tensor/kernels/softmax.hpp"

namespace descent {

using kernels::BinaryOp;

Tensor squared_error(const Tensor& input, const Tensor& target) {
  const Tensor diff = kernels::binary(BinaryOp::Sub, input, target);
  Tensor out = kernels::binary(BinaryOp::Mul, diff, diff);
  if (!any_requires_grad({&input, &target})) return out;
  const bool gi = input.requires_grad(), gt = target.requires_grad();
  // d/dx (x - y)^2 = 2 (x - y), d/dy = -2 (x - y)
  return record(out, "squared_error", {&input, &target}, [diff, gi, gt](const Tensor& g) {
    const Tensor d = kernels::binary(BinaryOp::Mul, kernels::affine(diff, 2.0, 0.0), g);
    return Grads{gi ? d : Tensor(), gt ? kernels::affine(d, -1.0, 0.0) : Tensor()};
  });
}

Tensor squared_error_sum(const Tensor& input, const Tensor& target, double scale) {
  Tensor diff;  // x - y, kept by the kernel for the backward
  Tensor out = kernels::affine(kernels::squared_difference_sum(input, target, diff), scale, 0.0);
  if (!any_requires_grad({&input, &target})) return out;
  const bool gi = input.requires_grad(), gt = target.requires_grad();
  // d/dx scale sum (x - y)^2 = 2 scale (x - y), d/dy = -2 scale (x - y)
  return record(out, "squared_error_sum", {&input, &target}, [diff, scale, gi, gt](const Tensor& g) {
    const Tensor d = kernels::affine(diff, 2.0 * scale * g.item(), 0.0);
    return Grads{gi ? d : Tensor(), gt ? kernels::affine(d, -1.0, 0.0) : Tensor()};
  });
}

Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
  const std::int64_t n = logits.shape()[0];
  const Tensor log_probs = kernels::log_softmax(logits, 1);
  const Tensor index = kernels::contiguous(target).view_as_shape(Shape{n, 1});
  // per-sample loss: -log_softmax(x)[y]
  const Tensor picked =
      kernels::unary(kernels::UnaryOp::Neg, kernels::gather(log_probs, 1, index)).view_as_shape(Shape{n});
  Tensor out = reduction == Reduction::None  ? picked
               : reduction == Reduction::Sum ? kernels::sum(picked)
                                             : kernels::mean(picked);
  if (!any_requires_grad({&logits})) return out;
  const double scale = reduction == Reduction::Mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(n, 1)) : 1.0;
  // dl_i/dx_ij = softmax(x_i)_j - [j = y_i]
  return record(out, "softmax_cross_entropy", {&logits}, [log_probs, index, scale, n](const Tensor& g) {
    Tensor d = kernels::unary(kernels::UnaryOp::Exp, log_probs);
    const Tensor minus_one =
        kernels::scatter_add(d.shape(), 1, index, kernels::affine(kernels::gather(d, 1, index), 0.0, -1.0));
    kernels::add_(d, minus_one);
    const Tensor weight =
        g.dim() == 0 ? kernels::affine(g, scale, 0.0) : kernels::contiguous(g).view_as_shape(Shape{n, 1});
    return Grads{kernels::binary(BinaryOp::Mul, d, weight)};
  });
}

Tensor elementwise_binary_cross_entropy(const Tensor& input, const Tensor& target) {
  Tensor out = kernels::binary_cross_entropy(input, target);
  if (!any_requires_grad({&input, &target})) return out;
  const bool gi = input.requires_grad(), gt = target.requires_grad();
  // dl/dx = (x - y) / max(x (1 - x), 1e-12); dl/dy = log(1 - x) - log x, each log clamped at -100
  return record(out, "binary_cross_entropy", {&input, &target}, [input, target, gi, gt](const Tensor& g) {
    return Grads{gi ? kernels::binary_cross_entropy_backward(g, input, target) : Tensor(),
                 gt ? kernels::binary_cross_entropy_target_backward(g, input) : Tensor()};
  });
}

Tensor elementwise_binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                    const Tensor& pos_weight) {
  Tensor out = kernels::binary_cross_entropy_with_logits(input, target, pos_weight);
  if (!any_requires_grad({&input, &target})) return out;
  const bool gi = input.requires_grad(), gt = target.requires_grad();
  // dl/dx = (pw y + 1 - y) sigmoid(x) - pw y; dl/dy = log sigmoid(-x) - pw log sigmoid(x)
  return record(
      out, "binary_cross_entropy_with_logits", {&input, &target}, [input, target, pos_weight, gi, gt](const Tensor& g) {
        return Grads{gi ? kernels::binary_cross_entropy_with_logits_backward(g, input, target, pos_weight) : Tensor(),
                     gt ? kernels::binary_cross_entropy_with_logits_target_backward(g, input, pos_weight) : Tensor()};
      });
}

}  // namespace descent
