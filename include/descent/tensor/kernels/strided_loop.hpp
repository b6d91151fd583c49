#pragma once
// The one loop nest that walks strided, broadcast operands. The innermost dimension is handed to the
// callback as a run (pointer offsets and a length), so the hot loops stay simple and vectorizable.
#include <cstdint>

#include "descent/tensor/shape.hpp"

namespace descent::kernels {

// Calls run(offset_a, offset_b, offset_out, n, step_a, step_b) over the rows of `shape`, where out is
// contiguous and a, b have the given strides (0 along broadcast dimensions).
template <class Run>
void strided_loop(const Shape& shape, const Strides& sa, const Strides& sb, Run&& run) {
  const int rank = shape.size();
  if (rank == 0) {
    run(0, 0, 0, 1, 0, 0);
    return;
  }
  const std::int64_t inner = shape[rank - 1];
  const std::int64_t step_a = sa[rank - 1], step_b = sb[rank - 1];
  std::int64_t rows = 1;
  for (int i = 0; i + 1 < rank; ++i) rows *= shape[i];
  Dims index;
  for (int i = 0; i + 1 < rank; ++i) index.push_back(0);
  std::int64_t oa = 0, ob = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    run(oa, ob, r * inner, inner, step_a, step_b);
    for (int d = rank - 2; d >= 0; --d) {  // odometer increment of the outer index
      ++index[d];
      oa += sa[d];
      ob += sb[d];
      if (index[d] < shape[d]) break;
      oa -= sa[d] * shape[d];
      ob -= sb[d] * shape[d];
      index[d] = 0;
    }
  }
}

// Strides of `t` (shape `from`, strides `st`) broadcast to `to`: 0 where the dimension is new or 1.
Strides broadcast_strides(const Shape& from, const Strides& st, const Shape& to);

}  // namespace descent::kernels
