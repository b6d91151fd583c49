// L1Loss |r|, HuberLoss (Huber 1964) and SmoothL1Loss (Girshick 2015) on r = x - y (PyTorch 1.13).
// Absolute-error losses, composed from differentiable ops: abs, and for the smoothed forms a constant
// mask choosing the quadratic or the linear branch (so each branch is PyTorch's expression exactly).
#include "descent/nn/losses/l1_loss.hpp"

#include "../piecewise.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "loss_options.hpp"
#include "target_checks.hpp"

namespace descent::nn {
namespace {

// |x - y| after the shape check.
Tensor absolute_error(const char* loss, const Tensor& input, const Tensor& target) {
  checks::same_shape(loss, input, "input", target, "target");
  return abs(sub(input, target));
}

}  // namespace

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1Loss& options) {
  return reduce(absolute_error("L1Loss", input, target), options.reduction);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLoss& options) {
  const double delta = options.delta;
  checks::option("HuberLoss", delta > 0, "delta", delta, "delta > 0");
  const Tensor z = absolute_error("HuberLoss", input, target);
  // z < delta: z^2 / 2; otherwise delta (z - delta / 2)
  const Tensor quadratic = mul(z, z) * 0.5;
  const Tensor linear = (z - 0.5 * delta) * delta;
  return reduce(piecewise(less_than(z, delta), quadratic, linear), options.reduction);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1Loss& options) {
  const double beta = options.beta;
  checks::option("SmoothL1Loss", beta >= 0, "beta", beta, "beta >= 0");
  if (beta == 0) return reduce(absolute_error("SmoothL1Loss", input, target), options.reduction);
  const Tensor z = absolute_error("SmoothL1Loss", input, target);
  // z < beta: z^2 / (2 beta); otherwise z - beta / 2
  const Tensor quadratic = mul(z, z) * (0.5 / beta);
  const Tensor linear = z - 0.5 * beta;
  return reduce(piecewise(less_than(z, beta), quadratic, linear), options.reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return l1_loss(input, target, L1Loss{.reduction = reduction});
}
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return huber_loss(input, target, HuberLoss{.reduction = reduction});
}
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return smooth_l1_loss(input, target, SmoothL1Loss{.reduction = reduction});
}

namespace {

struct HuberOptions {
  std::string reduction = "mean";
  double delta = 1.0;
  static const auto& fields() {
    static const std::array table{reduction_field<HuberOptions>(),
                                  LossField<HuberOptions>{util::field<&HuberOptions::delta>("delta"), "delta > 0",
                                                          [](const HuberOptions& o) { return o.delta > 0; }}};
    return table;
  }
};

struct SmoothL1Options {
  std::string reduction = "mean";
  double beta = 1.0;
  static const auto& fields() {
    static const std::array table{reduction_field<SmoothL1Options>(),
                                  LossField<SmoothL1Options>{util::field<&SmoothL1Options::beta>("beta"), "beta >= 0",
                                                             [](const SmoothL1Options& o) { return o.beta >= 0; }}};
    return table;
  }
};

}  // namespace

// The config's entries, against targets or one-hot labels.
const LossType& l1_loss_type() {
  static const LossType type{"l1",
                             "mean absolute error |x - y|, torch.nn.L1Loss",
                             LossTargets::Values,
                             loss_options<ReductionOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               const auto o = loss_options_from_text<ReductionOptions>("l1", options);
                               return against_values(L1Loss{.reduction = reduction_from_string(o.reduction)},
                                                     context.classes);
                             },
                             0.0};
  return type;
}

const LossType& huber_loss_type() {
  static const LossType type{"huber",
                             "r^2 / 2 inside |r| < delta, delta (|r| - delta / 2) outside, torch.nn.HuberLoss",
                             LossTargets::Values,
                             loss_options<HuberOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               const auto o = loss_options_from_text<HuberOptions>("huber", options);
                               return against_values(
                                   HuberLoss{.delta = o.delta, .reduction = reduction_from_string(o.reduction)},
                                   context.classes);
                             },
                             0.0};
  return type;
}

const LossType& smooth_l1_loss_type() {
  static const LossType type{"smooth_l1",
                             "r^2 / (2 beta) inside |r| < beta, |r| - beta / 2 outside, torch.nn.SmoothL1Loss",
                             LossTargets::Values,
                             loss_options<SmoothL1Options>,
                             [](const util::NameValuePairs& options, const LossContext& context) {
                               const auto o = loss_options_from_text<SmoothL1Options>("smooth_l1", options);
                               return against_values(
                                   SmoothL1Loss{.beta = o.beta, .reduction = reduction_from_string(o.reduction)},
                                   context.classes);
                             },
                             0.0};
  return type;
}

}  // namespace descent::nn
