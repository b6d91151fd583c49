#include "descent/nn/losses/cross_entropy_loss.hpp"

#include "descent/autograd/node.hpp"
#include "descent/autograd/ops/indexing.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/tensor/kernels/softmax.hpp"

namespace descent::nn {
namespace {

void check_targets(const Tensor& input, const Tensor& target, const char* loss) {
  if (input.dim() != 2)
    throw ShapeError(std::string(loss) + ": input must be (N, C), got shape " + to_string(input.shape()));
  if (target.dtype() != Dtype::Int64)
    throw ValueError(std::string(loss) + ": target must hold int64 class indices, got " +
                     std::string(to_string(target.dtype())));
  if (target.dim() != 1 || target.shape()[0] != input.shape()[0])
    throw ShapeError(std::string(loss) + ": target of shape " + to_string(target.shape()) + " does not fit input " +
                     to_string(input.shape()) + " (expected (" + std::to_string(input.shape()[0]) + "))");
  const std::int64_t classes = input.shape()[1];
  const Tensor t = kernels::contiguous(target);
  const std::int64_t* p = t.data<std::int64_t>();
  for (std::int64_t i = 0; i < t.numel(); ++i)
    if (p[i] < 0 || p[i] >= classes)
      throw ValueError(std::string(loss) + ": target[" + std::to_string(i) + "] = " + std::to_string(p[i]) +
                       " is not a class index in [0, " + std::to_string(classes) + ")");
}

Tensor reduce(const Tensor& per_sample, Reduction reduction) {
  if (reduction == Reduction::Mean) return mean(per_sample);
  if (reduction == Reduction::Sum) return sum(per_sample);
  return per_sample;
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
  check_targets(logits, target, "CrossEntropyLoss");
  const std::int64_t n = logits.shape()[0];
  const Tensor log_probs = kernels::log_softmax(logits, 1);
  const Tensor index = kernels::contiguous(target).view_as_shape(Shape{n, 1});
  // per-sample loss: -log_softmax(x)[y]
  const Tensor picked = kernels::unary(kernels::UnaryOp::Neg, kernels::gather(log_probs, 1, index)).view_as_shape(Shape{n});
  Tensor out = reduction == Reduction::None ? picked
               : reduction == Reduction::Sum ? kernels::sum(picked)
                                             : kernels::mean(picked);
  if (!any_requires_grad({&logits})) return out;
  const double scale = reduction == Reduction::Mean ? 1.0 / static_cast<double>(std::max<std::int64_t>(n, 1)) : 1.0;
  // dl_i/dx_ij = softmax(x_i)_j - [j = y_i]
  return record(out, "cross_entropy", {&logits}, [log_probs, index, scale, n](const Tensor& g) {
    Tensor d = kernels::unary(kernels::UnaryOp::Exp, log_probs);
    const Tensor minus_one = kernels::scatter_add(d.shape(), 1, index, kernels::affine(kernels::gather(d, 1, index), 0.0, -1.0));
    kernels::add_(d, minus_one);
    const Tensor weight = g.dim() == 0 ? kernels::affine(g, scale, 0.0) : kernels::contiguous(g).view_as_shape(Shape{n, 1});
    return std::vector<Tensor>{kernels::binary(kernels::BinaryOp::Mul, d, weight)};
  });
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  check_targets(log_probs, target, "NLLLoss");
  const std::int64_t n = log_probs.shape()[0];
  const Tensor index = kernels::contiguous(target).view_as_shape(Shape{n, 1});
  return reduce(neg(gather(log_probs, 1, index)).reshape(Shape{n}), reduction);
}

}  // namespace descent::nn
