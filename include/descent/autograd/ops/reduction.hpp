#pragma once
// Differentiable sums and means, over everything or along one dimension.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor sum(const Tensor& a);
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim = false);

}  // namespace descent
