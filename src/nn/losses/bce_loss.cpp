// BCELoss l = -w [y log x + (1 - y) log(1 - x)], logs clamped at -100; BCEWithLogitsLoss
// l = w [(1 - y) x + (1 + (pw - 1) y) log(1 + e^-x)] in log-sum-exp form (PyTorch 1.13).
// Binary cross-entropy: one fused elementwise op per form (the loops in tensor/kernels/loss.cpp), then
// the weight and the reduction composed from differentiable ops.
#include "descent/nn/losses/bce_loss.hpp"

#include "descent/autograd/node.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/loss.hpp"
#include "target_checks.hpp"

namespace descent::nn {
namespace {

void check_operands(const char* loss, const Tensor& input, const Tensor& target) {
  checks::same_shape(loss, input, "input", target, "target");
  checks::is_floating(loss, input, "input");
  checks::same_dtype(loss, input, "input", target, "target");
  checks::values_in(loss, target, "target", 0.0, 1.0);
}

// A constant per-element factor (weight, pos_weight) in the input's dtype, checked to broadcast to it.
Tensor constant_factor(const char* loss, const Tensor& factor, const char* name, const Tensor& input) {
  checks::broadcasts_to(loss, factor, name, input.shape());
  return kernels::cast(factor.detach(), input.dtype());
}

Tensor weighted(const char* loss, const Tensor& losses, const Tensor& weight, const Tensor& input) {
  if (!weight.defined()) return losses;
  return mul(losses, constant_factor(loss, weight, "weight", input));
}

}  // namespace

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELoss& options) {
  const char* loss = "BCELoss";
  check_operands(loss, input, target);
  checks::values_in(loss, input, "input", 0.0, 1.0);
  Tensor losses = kernels::binary_cross_entropy(input, target);
  if (any_requires_grad({&input, &target})) {
    const bool gi = input.requires_grad(), gt = target.requires_grad();
    // dl/dx = (x - y) / max(x (1 - x), 1e-12); dl/dy = log(1 - x) - log x, each log clamped at -100
    losses = record(losses, "binary_cross_entropy", {&input, &target}, [input, target, gi, gt](const Tensor& g) {
      return Grads{gi ? kernels::binary_cross_entropy_backward(g, input, target) : Tensor(),
                                 gt ? kernels::binary_cross_entropy_target_backward(g, input) : Tensor()};
    });
  }
  return reduce(weighted(loss, losses, options.weight, input), options.reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const BCEWithLogitsLoss& options) {
  const char* loss = "BCEWithLogitsLoss";
  check_operands(loss, input, target);
  Tensor pos_weight;
  if (options.pos_weight.defined())  // materialized at the input's shape for the fused loop
    pos_weight = kernels::binary(kernels::BinaryOp::Add, zeros(input.shape(), input.dtype()),
                                 constant_factor(loss, options.pos_weight, "pos_weight", input));
  Tensor losses = kernels::binary_cross_entropy_with_logits(input, target, pos_weight);
  if (any_requires_grad({&input, &target})) {
    const bool gi = input.requires_grad(), gt = target.requires_grad();
    // dl/dx = (pw y + 1 - y) sigmoid(x) - pw y; dl/dy = log sigmoid(-x) - pw log sigmoid(x)
    losses = record(losses, "binary_cross_entropy_with_logits", {&input, &target},
                    [input, target, pos_weight, gi, gt](const Tensor& g) {
                      return Grads{
                          gi ? kernels::binary_cross_entropy_with_logits_backward(g, input, target, pos_weight) : Tensor(),
                          gt ? kernels::binary_cross_entropy_with_logits_target_backward(g, input, pos_weight) : Tensor()};
                    });
  }
  return reduce(weighted(loss, losses, options.weight, input), options.reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy(input, target, BCELoss{.reduction = reduction});
}
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy_with_logits(input, target, BCEWithLogitsLoss{.reduction = reduction});
}

}  // namespace descent::nn
