#pragma once
// Differentiable changes of shape and type. reshape, transpose and slice return views that share
// data where they can (as PyTorch's do); their gradients are the inverse rearrangement.
#include <cstdint>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent {

// One dimension of `shape` may be -1 (inferred).
Tensor reshape(const Tensor& a, const Shape& shape);
Tensor transpose(const Tensor& a, std::int64_t d0, std::int64_t d1);
// Rows [start, end) along dimension 0; negative bounds count from the end.
Tensor slice(const Tensor& a, std::int64_t start, std::int64_t end);
// Dimensions start_dim..end_dim (inclusive, negative from the end) merged into one.
Tensor flatten(const Tensor& a, std::int64_t start_dim = 1, std::int64_t end_dim = -1);
// The tensors joined along `dim` (negative from the end), as torch.cat: every other dimension and the
// dtype must agree. The result is a new tensor; each input's gradient is its slice of the output's.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

}  // namespace descent
