#pragma once
// A differentiable choice between two branches by a constant 0/1 mask, composed from mul and add:
//   piecewise(mask, a, b) = mask * a + (1 - mask) * b
// Each branch receives the gradient where it is chosen and 0 elsewhere, and the chosen value comes
// out exact (a * 1 + b * 0 = a), provided the branch not chosen is finite there.
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::nn {

inline Tensor piecewise(const Tensor& mask, const Tensor& a, const Tensor& b) {
  return add(mul(mask, a), mul(kernels::affine(mask, -1.0, 1.0), b));
}

// The constant mask [a < bound] (1 or 0, in a's dtype).
inline Tensor less_than(const Tensor& a, double bound) {
  return kernels::binary(kernels::BinaryOp::Lt, a, scalar_tensor(bound, a.dtype()));
}

// max(0, v) with PyTorch's clamp_min gradient: 1 where v >= 0, the kink included (relu takes 0 there).
// At the kink this keeps margin losses learning from tied scores: max(0, -y (x1 - x2)) with x1 = x2
// still pushes the scores apart.
inline Tensor hinge(const Tensor& v) {
  const Tensor at_or_above = kernels::affine(less_than(v, 0.0), -1.0, 1.0);
  return piecewise(at_or_above, v, zeros(Shape{}, v.dtype()));  // + 0 makes the zeros +0.0
}

// min(a, b) with PyTorch's minimum gradient: to the smaller one, split in halves at a tie.
inline Tensor minimum(const Tensor& a, const Tensor& b) {
  using kernels::BinaryOp;
  const Tensor a_smaller = kernels::binary(BinaryOp::Add, kernels::binary(BinaryOp::Lt, a, b),
                                           kernels::affine(kernels::binary(BinaryOp::Eq, a, b), 0.5, 0.0));
  return piecewise(a_smaller, a, b);
}

}  // namespace descent::nn
