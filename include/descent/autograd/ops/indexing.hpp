#pragma once
// Differentiable gather: picks, for instance, the log-probability of each sample's class.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

// out[i][j] = a[i][index[i][j]] (dim 1), as torch.gather; index is int64.
Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index);

}  // namespace descent
