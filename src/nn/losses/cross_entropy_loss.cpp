// NLLLoss l_i = -w[y_i] x_i[y_i]; CrossEntropyLoss l_i = -sum_c w[c] q_i[c] log softmax(x_i)[c] with
// q_i = (1 - eps) onehot(y_i) + eps / C (PyTorch 1.13's definitions; the header gives the details).
// The mean divides by sum_i w[y_i], PyTorch's weighted mean.
#include "descent/nn/losses/cross_entropy_loss.hpp"

#include <algorithm>

#include "descent/autograd/ops/activation.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/indexing.hpp"
#include "descent/autograd/ops/loss.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/loss.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "loss_options.hpp"
#include "target_checks.hpp"

namespace descent::nn {
namespace {

using kernels::BinaryOp;

void check_targets(const Tensor& input, const Tensor& target, const char* loss) {
  if (input.dim() != 2)
    throw ShapeError(std::string(loss) + ": input must be (N, C), got shape " + to_string(input.shape()));
  checks::is_floating(loss, input, "input");
  if (target.dtype() != Dtype::Int64)
    throw ValueError(std::string(loss) + ": target must hold int64 class indices, got " +
                     std::string(to_string(target.dtype())));
  if (target.dim() != 1 || target.shape()[0] != input.shape()[0])
    throw ShapeError(std::string(loss) + ": target of shape " + to_string(target.shape()) + " does not fit input " +
                     to_string(input.shape()) + " (expected (" + std::to_string(input.shape()[0]) + "))");
  const std::int64_t classes = input.shape()[1];
  const std::int64_t at = kernels::find_outside(target, 0.0, static_cast<double>(classes - 1));
  if (at >= 0)
    throw ValueError(std::string(loss) + ": target[" + std::to_string(at) +
                     "] = " + std::to_string(static_cast<std::int64_t>(target.at(at))) +
                     " is not a class index in [0, " + std::to_string(classes) + ")");
}

// The class weights as a constant (C) tensor of the input's dtype, or undefined.
Tensor class_weights(const Tensor& weight, const Tensor& input, const char* loss) {
  if (!weight.defined()) return Tensor();
  checks::has_shape(loss, weight, "weight", Shape{input.shape()[1]}, "(one weight per class)");
  return kernels::cast(weight.detach(), input.dtype());
}

// PyTorch's reduction of weighted per-sample losses: the mean divides by the sum of the targets'
// weights, sum_i w[y_i], rather than by N.
Tensor reduce_weighted(const Tensor& losses, Reduction reduction, const Tensor& onehot, const Tensor& weight) {
  if (reduction != Reduction::Mean || !weight.defined()) return reduce(losses, reduction);
  const Tensor total_weight = kernels::sum(kernels::binary(BinaryOp::Mul, onehot, weight));
  return div(sum(losses), total_weight);
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyLoss& options) {
  const char* loss = "CrossEntropyLoss";
  check_targets(logits, target, loss);
  const double eps = options.label_smoothing;
  checks::option(loss, eps >= 0 && eps <= 1, "label_smoothing", eps, "a value in [0, 1]");
  const Tensor weight = class_weights(options.weight, logits, loss);
  if (!weight.defined() && eps == 0)
    return softmax_cross_entropy(logits, target, options.reduction);  // the hot path: one op
  // l_i = -sum_c a_ic log_softmax(x_i)_c with the constant a_ic = w[c] ((1 - eps) [c = y_i] + eps / C)
  const std::int64_t classes = logits.shape()[1];
  const Tensor onehot = kernels::one_hot(target, classes, logits.dtype());
  Tensor a = kernels::affine(onehot, 1.0 - eps, eps / static_cast<double>(classes));
  if (weight.defined()) a = kernels::binary(BinaryOp::Mul, a, weight);
  const Tensor losses = neg(sum(mul(log_softmax(logits, 1), a), 1));
  return reduce_weighted(losses, options.reduction, onehot, weight);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const NLLLoss& options) {
  const char* loss = "NLLLoss";
  check_targets(log_probs, target, loss);
  const std::int64_t n = log_probs.shape()[0];
  const Tensor index = kernels::contiguous(target).view_as_shape(Shape{n, 1});
  Tensor losses = neg(gather(log_probs, 1, index)).reshape(Shape{n});  // -x_i[y_i]
  const Tensor weight = class_weights(options.weight, log_probs, loss);
  if (!weight.defined()) return reduce(losses, options.reduction);
  const Tensor onehot = kernels::one_hot(target, log_probs.shape()[1], log_probs.dtype());
  losses = mul(losses, kernels::sum(kernels::binary(BinaryOp::Mul, onehot, weight), 1, false));  // times w[y_i]
  return reduce_weighted(losses, options.reduction, onehot, weight);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
  return cross_entropy(logits, target, CrossEntropyLoss{.reduction = reduction});
}
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  return nll_loss(log_probs, target, NLLLoss{.reduction = reduction});
}

namespace {

// Class weights as the config writes them: one number >= 0 per class; empty: all 1.
template <class O>
LossField<O> weight_field() {
  return {util::field<&O::weight>("weight"), "an array of one number >= 0 per class, e.g. [1.0, 2.0]", [](const O& o) {
            return !o.weight.empty() && std::all_of(o.weight.begin(), o.weight.end(), [](double w) { return w >= 0; });
          }};
}

Tensor weight_tensor(const std::vector<double>& weight, Dtype dtype) {
  return weight.empty() ? Tensor() : from_vector(weight, Shape{static_cast<std::int64_t>(weight.size())}, dtype);
}

struct CrossEntropyOptions {
  std::string reduction = "mean";
  double label_smoothing = 0;
  std::vector<double> weight;
  static const auto& fields() {
    static const std::array table{
        reduction_field<CrossEntropyOptions>(),
        LossField<CrossEntropyOptions>{
            util::field<&CrossEntropyOptions::label_smoothing>("label_smoothing"), "label_smoothing in [0, 1]",
            [](const CrossEntropyOptions& o) { return o.label_smoothing >= 0 && o.label_smoothing <= 1; }},
        weight_field<CrossEntropyOptions>()};
    return table;
  }
};

struct NLLOptions {
  std::string reduction = "mean";
  std::vector<double> weight;
  static const auto& fields() {
    static const std::array table{reduction_field<NLLOptions>(), weight_field<NLLOptions>()};
    return table;
  }
};

}  // namespace

// The config's entries, on class labels.
const LossType& cross_entropy_loss_type() {
  static const LossType type{
      "cross_entropy",
      "-log softmax(x)[y] on logits, with class weights and label smoothing, torch.nn.CrossEntropyLoss",
      LossTargets::ClassLabels,
      loss_options<CrossEntropyOptions>,
      [](const util::NameValuePairs& options, const LossContext& context) -> LossFunction {
        const auto o = loss_options_from_text<CrossEntropyOptions>("cross_entropy", options);
        return CrossEntropyLoss{.weight = weight_tensor(o.weight, context.dtype),
                                .label_smoothing = o.label_smoothing,
                                .reduction = reduction_from_string(o.reduction)};
      },
      0.0};
  return type;
}

const LossType& nll_loss_type() {
  static const LossType type{"nll",
                             "-x[y] on log-probabilities (after log_softmax), with class weights, torch.nn.NLLLoss",
                             LossTargets::ClassLabels,
                             loss_options<NLLOptions>,
                             [](const util::NameValuePairs& options, const LossContext& context) -> LossFunction {
                               const auto o = loss_options_from_text<NLLOptions>("nll", options);
                               return NLLLoss{.weight = weight_tensor(o.weight, context.dtype),
                                              .reduction = reduction_from_string(o.reduction)};
                             },
                             0.0};
  return type;
}

}  // namespace descent::nn
