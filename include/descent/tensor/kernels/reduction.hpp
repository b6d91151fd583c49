#pragma once
// Reductions without gradients. float32 sums accumulate in double, so a long sum keeps its digits.
// An `out` of the result's shape and dtype, where a function takes one, receives the result instead
// of a new tensor (a captured training step's buffers, train/captured_step.hpp).
#include <cstdint>
#include <utility>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

Tensor sum(const Tensor& a, const Tensor& out = Tensor());  // all elements -> 0-d
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim);
// The column sums of a contiguous floating (rows, cols) matrix -> (cols): a bias's gradient. sum(a, 0,
// false) of such a matrix.
Tensor sum_rows(const Tensor& a, const Tensor& out = Tensor());
Tensor mean(const Tensor& a, const Tensor& out = Tensor());
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim);
// Sums `a` down to `shape`, which must broadcast to a.shape(): the reduction of a broadcast gradient.
Tensor sum_to(const Tensor& a, const Shape& shape);
// sum (a - b)^2 over same-shape tensors in one pass, as a 0-d tensor; a - b is written to `diff` (a new
// tensor, or the one `diff` holds when it has a's shape and dtype).
Tensor squared_difference_sum(const Tensor& a, const Tensor& b, Tensor& diff, const Tensor& out = Tensor());
// Largest value and its index (first on ties) along `dim`; indices are int64.
std::pair<Tensor, Tensor> max(const Tensor& a, std::int64_t dim, bool keepdim);
Tensor max(const Tensor& a);  // over all elements -> 0-d
Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim);
Tensor argmax(const Tensor& a);  // flat index, 0-d int64
// The p-norm of all elements, (sum |x|^p)^(1/p), accumulated in double; p = infinity gives max |x|.
// p must be positive.
double norm(const Tensor& a, double p);

}  // namespace descent::kernels
