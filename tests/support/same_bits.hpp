#pragma once
// Whether two tensors hold the same bits: shape, dtype and every byte (both contiguous), or both undefined.
// For results that must equal another path's exactly, not to a tolerance.
#include <cstring>

#include "descent/descent.hpp"

namespace descent::testing {

inline bool same_bits(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) return a.defined() == b.defined();
  return a.shape() == b.shape() && a.dtype() == b.dtype() && a.is_contiguous() && b.is_contiguous() &&
         std::memcmp(a.raw_data(), b.raw_data(), static_cast<std::size_t>(a.numel()) * itemsize(a.dtype())) == 0;
}

}  // namespace descent::testing
