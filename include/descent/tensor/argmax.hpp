#pragma once
// torch.argmax: the index of the largest value (the first on ties) along `dim`, int64, or the whole
// tensor's flat index without `dim`. An index has no gradient, so it is never recorded.
//   Tensor predicted = argmax(model(x), 1);   // (N, C) logits -> (N) class indices
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& a);

}  // namespace descent
