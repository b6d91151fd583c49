#include "descent/autograd/ops/dropout.hpp"

#include <string>

#include "descent/autograd/node.hpp"
#include "descent/distributed/batch_shard.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent {
namespace {

void check_probability(double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw ValueError("dropout probability has to be between 0 and 1, but got " + std::to_string(p));
}

}  // namespace

Tensor dropout_with_mask(const Tensor& input, const Tensor& mask, double p) {
  check_probability(p);
  if (!(mask.shape() == input.shape()) || mask.dtype() != input.dtype())
    throw ShapeError("dropout: mask of shape " + to_string(mask.shape()) + " (" + std::string(to_string(mask.dtype())) +
                     ") does not match input " + to_string(input.shape()) + " (" +
                     std::string(to_string(input.dtype())) + ")");
  // p = 1 drops everything: the scale 1 / (1 - p) is never applied to a kept element.
  const Tensor scaled = kernels::affine(mask, p < 1.0 ? 1.0 / (1.0 - p) : 0.0, 0.0);
  Tensor out = kernels::binary(kernels::BinaryOp::Mul, input, scaled);
  // d out / d x = mask / (1 - p)
  return record(out, "dropout", {&input},
                [scaled](const Tensor& g) { return Grads{kernels::binary(kernels::BinaryOp::Mul, g, scaled)}; });
}

Tensor dropout(const Tensor& input, double p, bool training, Generator* gen) {
  check_probability(p);
  if (!training || p == 0.0) return input;
  // A data-parallel shard draws the whole batch's mask and keeps its rows: the same masks as one process.
  const distributed::BatchShard* shard = distributed::current_batch_shard();
  if (shard && shard->total != shard->size && input.dim() >= 1 && input.shape()[0] == shard->size) {
    Shape whole = input.shape();
    whole[0] = shard->total;
    const Tensor mask = bernoulli(whole, 1.0 - p, input.dtype(), gen).view_narrowed(shard->begin, shard->size);
    return dropout_with_mask(input, mask, p);
  }
  return dropout_with_mask(input, bernoulli(input.shape(), 1.0 - p, input.dtype(), gen), p);
}

}  // namespace descent
