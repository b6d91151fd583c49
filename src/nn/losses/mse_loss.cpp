// MSELoss l = (x - y)^2 (PyTorch); Nielsen's quadratic cost C = 1/(2n) sum |y - a|^2.
#include "descent/nn/losses/mse_loss.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "target_checks.hpp"

namespace descent::nn {
namespace {

using kernels::BinaryOp;

// One fused op: value = scale * sum (x - y)^2 (or the elementwise squares for `none`);
// d/dx = 2 scale (x - y) g, d/dy = -d/dx. Reduced forms take one pass forward and one backward.
Tensor squared_error(const Tensor& input, const Tensor& target, Reduction reduction, double scale, const char* name) {
  Tensor diff, out;
  if (reduction == Reduction::None) {
    diff = kernels::binary(BinaryOp::Sub, input, target);
    out = kernels::binary(BinaryOp::Mul, diff, diff);
  } else {
    out = kernels::affine(kernels::squared_difference_sum(input, target, diff), scale, 0.0);
  }
  if (!any_requires_grad({&input, &target})) return out;
  const bool gi = input.requires_grad(), gt = target.requires_grad();
  return record(out, name, {&input, &target}, [diff, scale, reduction, gi, gt](const Tensor& g) {
    const Tensor d = reduction == Reduction::None
                         ? kernels::binary(BinaryOp::Mul, kernels::affine(diff, 2.0, 0.0), g)
                         : kernels::affine(diff, 2.0 * scale * g.item(), 0.0);
    return Grads{gi ? d : Tensor(), gt ? kernels::affine(d, -1.0, 0.0) : Tensor()};
  });
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELoss& options) {
  checks::same_shape("MSELoss", input, "input", target, "target");
  const Reduction reduction = options.reduction;
  const double scale = reduction == Reduction::Mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(input.numel(), 1)) : 1.0;
  return squared_error(input, target, reduction, scale, "mse_loss");
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return mse_loss(input, target, MSELoss{.reduction = reduction});
}

Tensor quadratic_cost(const Tensor& output, const Tensor& target) {
  checks::same_shape("quadratic cost", output, "output", target, "target");
  const std::int64_t n = output.dim() >= 2 ? output.shape()[0] : 1;
  return squared_error(output, target, Reduction::Sum, 0.5 / static_cast<double>(std::max<std::int64_t>(n, 1)),
                       "quadratic_cost");
}

}  // namespace descent::nn
