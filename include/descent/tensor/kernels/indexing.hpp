#pragma once
// Gathering by index: class targets, mini-batch rows, one-hot encodings. An `out` of the result's shape
// and dtype, where a function takes one, receives the result instead of a new tensor (a captured
// training step's buffers, train/captured_step.hpp); it must not overlap an operand.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// PyTorch's gather: out[i][j] = a[i][index[i][j]] for dim 1 (and likewise for any dim).
// index is int64 with a's rank; every index is checked against the dimension's size.
Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index, const Tensor& out = Tensor());
// The adjoint of gather: out (shaped `shape`) zero, then out[i][index[i][j]] += src[i][j].
Tensor scatter_add(const Shape& shape, std::int64_t dim, const Tensor& index, const Tensor& src,
                   const Tensor& out = Tensor());
// Rows of `a` picked by `rows` (int64, 1-d), into `out` when given (reused across batches).
Tensor index_select_rows(const Tensor& a, const std::int64_t* rows, std::int64_t count, Tensor out = Tensor());
// The adjoint of index_select_rows: out (shaped `shape`, rows of src's width) zero, then
// out[rows[r]] += src[r] for each r: an embedding's gradient.
Tensor index_add_rows(const Shape& shape, const std::int64_t* rows, std::int64_t count, const Tensor& src);
// Rows of a uint8 `a` picked by `rows`, converted to `dtype` and multiplied by `scale` on the way
// (raw pixels to [0, 1] features), into `out` when it fits (reused across batches).
Tensor gather_rows_scaled(const Tensor& a, const std::int64_t* rows, std::int64_t count, double scale, Dtype dtype,
                          Tensor out = Tensor());
// Hints the CPU to start loading those rows of a contiguous `a` into cache (no effect on values).
void prefetch_rows(const Tensor& a, const std::int64_t* rows, std::int64_t count);
// labels (int64, n) -> (n, classes) with 1 at each label; labels are checked against `classes`.
Tensor one_hot(const Tensor& labels, std::int64_t classes, Dtype dtype, const Tensor& out = Tensor());

}  // namespace descent::kernels
