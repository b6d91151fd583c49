#pragma once
// Differentiable sums and means, over everything or along one dimension; argmax, an index with no
// gradient, as torch.argmax.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor sum(const Tensor& a);
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim = false);
// The index of the largest value (the first on ties) along `dim`, int64; the whole tensor's flat
// index without `dim`. Never records a gradient (an index is not differentiable).
Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& a);

}  // namespace descent
