#include "descent/tensor/argmax.hpp"

#include "descent/tensor/kernels/reduction.hpp"

namespace descent {

Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim) { return kernels::argmax(a, dim, keepdim); }
Tensor argmax(const Tensor& a) { return kernels::argmax(a); }

}  // namespace descent
