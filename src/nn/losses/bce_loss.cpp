// BCELoss l = -w [y log x + (1 - y) log(1 - x)], logs clamped at -100; BCEWithLogitsLoss
// l = w [(1 - y) x + (1 + (pw - 1) y) log(1 + e^-x)] in log-sum-exp form (PyTorch 1.13).
// Binary cross-entropy: one fused elementwise op per form (autograd/ops/loss.hpp), then the weight and
// the reduction composed from differentiable ops.
#include "descent/nn/losses/bce_loss.hpp"

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/loss.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "loss_options.hpp"
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
  const Tensor losses = elementwise_binary_cross_entropy(input, target);
  return reduce(weighted(loss, losses, options.weight, input), options.reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const BCEWithLogitsLoss& options) {
  const char* loss = "BCEWithLogitsLoss";
  check_operands(loss, input, target);
  Tensor pos_weight;
  if (options.pos_weight.defined())  // materialized at the input's shape for the fused loop
    pos_weight = kernels::binary(kernels::BinaryOp::Add, zeros(input.shape(), input.dtype()),
                                 constant_factor(loss, options.pos_weight, "pos_weight", input));
  const Tensor losses = elementwise_binary_cross_entropy_with_logits(input, target, pos_weight);
  return reduce(weighted(loss, losses, options.weight, input), options.reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy(input, target, BCELoss{.reduction = reduction});
}
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy_with_logits(input, target, BCEWithLogitsLoss{.reduction = reduction});
}

// The config's entry, against targets in [0, 1] or one-hot labels.
const LossType& bce_with_logits_loss_type() {
  static const LossType type{"bce_with_logits",
                             "binary cross-entropy on logits, in log-sum-exp form, torch.nn.BCEWithLogitsLoss",
                             LossTargets::Values,
                             loss_options<ReductionOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               const auto o = loss_options_from_text<ReductionOptions>("bce_with_logits", options);
                               return against_values(BCEWithLogitsLoss{.reduction = reduction_from_string(o.reduction)},
                                                     context.classes);
                             },
                             0.0};
  return type;
}

}  // namespace descent::nn
