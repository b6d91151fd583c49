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

}  // namespace descent::nn
