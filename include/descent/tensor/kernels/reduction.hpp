#pragma once
// Reductions without gradients. float32 sums accumulate in double, so a long sum keeps its digits.
#include <cstdint>
#include <utility>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

Tensor sum(const Tensor& a);  // all elements -> 0-d
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim);
// Sums `a` down to `shape`, which must broadcast to a.shape(): the reduction of a broadcast gradient.
Tensor sum_to(const Tensor& a, const Shape& shape);
// sum (a - b)^2 over same-shape tensors in one pass, as a 0-d tensor; a - b is written to `diff`.
Tensor squared_difference_sum(const Tensor& a, const Tensor& b, Tensor& diff);
// Largest value and its index (first on ties) along `dim`; indices are int64.
std::pair<Tensor, Tensor> max(const Tensor& a, std::int64_t dim, bool keepdim);
Tensor max(const Tensor& a);  // over all elements -> 0-d
Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim);
Tensor argmax(const Tensor& a);  // flat index, 0-d int64
// The p-norm of all elements, (sum |x|^p)^(1/p), accumulated in double; p = infinity gives max |x|.
// p must be positive.
double norm(const Tensor& a, double p);

}  // namespace descent::kernels
