#pragma once
// Differentiable matrix products (BLAS underneath).
#include "descent/tensor/tensor.hpp"

namespace descent {

// PyTorch's matmul: 1-d and 2-d operands, (b, m, k) x (b, k, n) and (..., m, k) x (k, n).
Tensor matmul(const Tensor& a, const Tensor& b);
// x (N, in) w^T (in, out) + bias (out) -> (N, out), as torch.nn.functional.linear; bias may be undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace descent
