#include "descent/tensor/kernels/indexing.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

// Checks that index fits a (same rank, same sizes off `dim`) and returns (outer, a's n, index's m, inner).
struct GatherGeometry {
  std::int64_t outer = 1, n = 1, m = 1, inner = 1;
};

GatherGeometry geometry(const Shape& a, int dim, const Tensor& index, const char* what) {
  if (index.dtype() != Dtype::Int64)
    throw ValueError(std::string(what) + ": index must be int64, got " + std::string(to_string(index.dtype())));
  if (index.dim() != a.size())
    throw ShapeError(std::string(what) + ": index of shape " + to_string(index.shape()) + " does not fit input " +
                     to_string(a) + " (same rank expected)");
  GatherGeometry g;
  for (int i = 0; i < a.size(); ++i) {
    if (i != dim && index.shape()[i] != a[i])
      throw ShapeError(std::string(what) + ": index of shape " + to_string(index.shape()) + " does not fit input " +
                       to_string(a) + " off dimension " + std::to_string(dim));
    if (i < dim) g.outer *= a[i];
    if (i > dim) g.inner *= a[i];
  }
  g.n = a[dim];
  g.m = index.shape()[dim];
  return g;
}

std::int64_t checked(std::int64_t v, std::int64_t n, const char* what) {
  if (v < 0 || v >= n)
    throw ValueError(std::string(what) + ": index " + std::to_string(v) + " out of range [0, " + std::to_string(n) +
                     ")");
  return v;
}

}  // namespace

Tensor gather(const Tensor& a_in, std::int64_t dim_in, const Tensor& index_in, const Tensor& into) {
  const Tensor a = contiguous(a_in), index = contiguous(index_in);
  const int dim = normalize_dim(dim_in, a.dim());
  const GatherGeometry g = geometry(a.shape(), dim, index, "gather");
  Tensor out = reuse_or_empty(into, index.shape(), a.dtype());
  const std::int64_t* pi = index.data<std::int64_t>();
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    for (std::int64_t o = 0; o < g.outer; ++o)
      for (std::int64_t j = 0; j < g.m; ++j)
        for (std::int64_t i = 0; i < g.inner; ++i) {
          const std::int64_t at = (o * g.m + j) * g.inner + i;
          po[at] = pa[(o * g.n + checked(pi[at], g.n, "gather")) * g.inner + i];
        }
  });
  return out;
}

Tensor scatter_add(const Shape& shape, std::int64_t dim_in, const Tensor& index_in, const Tensor& src_in,
                   const Tensor& into) {
  const Tensor index = contiguous(index_in), src = contiguous(src_in);
  const int dim = normalize_dim(dim_in, shape.size());
  const GatherGeometry g = geometry(shape, dim, index, "scatter_add");
  Tensor out = reuse_or_empty(into, shape, src.dtype());
  fill_(out, 0.0);
  const std::int64_t* pi = index.data<std::int64_t>();
  dispatch_floating(src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    for (std::int64_t o = 0; o < g.outer; ++o)
      for (std::int64_t j = 0; j < g.m; ++j)
        for (std::int64_t i = 0; i < g.inner; ++i) {
          const std::int64_t at = (o * g.m + j) * g.inner + i;
          po[(o * g.n + checked(pi[at], g.n, "scatter_add")) * g.inner + i] += ps[at];
        }
  });
  return out;
}

Tensor index_select_rows(const Tensor& a_in, const std::int64_t* rows, std::int64_t count, Tensor out) {
  const Tensor a = contiguous(a_in);
  Shape shape = a.shape();
  shape[0] = count;
  if (!out.defined() || !(out.shape() == shape) || out.dtype() != a.dtype()) out = Tensor::empty(shape, a.dtype());
  const std::int64_t n = a.shape()[0];
  const std::size_t row_bytes =
      static_cast<std::size_t>(a.numel() / std::max<std::int64_t>(n, 1)) * itemsize(a.dtype());
  const char* src = static_cast<const char*>(a.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  if (row_bytes == 8) {  // class labels: one int64 a row, a plain copy instead of a memcpy call each
    for (std::int64_t r = 0; r < count; ++r)
      std::memcpy(dst + r * 8, src + checked(rows[r], n, "index_select_rows") * 8, 8);
    return out;
  }
  for (std::int64_t r = 0; r < count; ++r)
    std::memcpy(dst + r * row_bytes, src + checked(rows[r], n, "index_select_rows") * row_bytes, row_bytes);
  return out;
}

Tensor index_add_rows(const Shape& shape, const std::int64_t* rows, std::int64_t count, const Tensor& src_in) {
  const Tensor src = contiguous(src_in);
  const std::int64_t n = shape.size() > 0 ? shape[0] : 0;
  const std::int64_t width = numel(shape) / std::max<std::int64_t>(n, 1);
  if (shape.size() == 0 || src.numel() != count * width)
    throw ShapeError("index_add_rows: " + std::to_string(count) + " rows of source shape " + to_string(src.shape()) +
                     " do not fit rows of " + to_string(shape));
  Tensor out = zeros(shape, src.dtype());
  dispatch_floating(src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    for (std::int64_t r = 0; r < count; ++r) {
      T* dst = po + checked(rows[r], n, "index_add_rows") * width;
      const T* s = ps + r * width;
      for (std::int64_t k = 0; k < width; ++k) dst[k] += s[k];
    }
  });
  return out;
}

Tensor gather_rows_scaled(const Tensor& a_in, const std::int64_t* rows, std::int64_t count, double scale, Dtype dtype,
                          Tensor out) {
  const Tensor a = contiguous(a_in);
  if (a.dtype() != Dtype::UInt8 || a.dim() != 2)
    throw ValueError("gather_rows_scaled: expected a 2-d uint8 tensor, got " + std::string(to_string(a.dtype())) +
                     " of shape " + to_string(a.shape()));
  const std::int64_t n = a.shape()[0], width = a.shape()[1];
  if (!out.defined() || !(out.shape() == Shape{count, width}) || out.dtype() != dtype)
    out = Tensor::empty(Shape{count, width}, dtype);
  const std::uint8_t* src = a.data<std::uint8_t>();
  // Every row asked for before the first converts: the loader's prefetch a step earlier (prefetch_rows)
  // is gone from the caches after a step of large products, and scattered rows then arrive one at a
  // time. [784, 1024, 1024, 10] at batch 256: 0.14 to 0.20 ms a batch before, 0.10 to 0.14 after.
  prefetch_rows(a, rows, count);
  dispatch_floating(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* dst = out.data<T>();
    const T s = static_cast<T>(scale);
    for (std::int64_t r = 0; r < count; ++r) {
      const std::uint8_t* row = src + checked(rows[r], n, "gather_rows_scaled") * width;
      T* o = dst + r * width;
      if constexpr (std::is_same_v<T, float>) simd::bytes_to_float(width, row, s, o);
      else
        for (std::int64_t j = 0; j < width; ++j) o[j] = static_cast<T>(row[j]) * s;
    }
  });
  return out;
}

void prefetch_rows(const Tensor& a, const std::int64_t* rows, std::int64_t count) {
  if (!a.is_contiguous() || a.dim() == 0) return;
  const std::int64_t n = a.shape()[0];
  const std::size_t row_bytes =
      static_cast<std::size_t>(a.numel() / std::max<std::int64_t>(n, 1)) * itemsize(a.dtype());
  const char* base = static_cast<const char*>(a.raw_data());
  for (std::int64_t r = 0; r < count; ++r) {
    if (rows[r] < 0 || rows[r] >= n) continue;
    const char* row = base + rows[r] * row_bytes;
    for (std::size_t off = 0; off < row_bytes; off += 64) __builtin_prefetch(row + off);
  }
}

Tensor one_hot(const Tensor& labels_in, std::int64_t classes, Dtype dtype, const Tensor& into) {
  Tensor labels_keep;
  const Tensor& labels = contiguous_ref(labels_in, labels_keep);
  if (labels.dtype() != Dtype::Int64 || labels.dim() != 1)
    throw ValueError("one_hot: labels must be a 1-d int64 tensor, got " + std::string(to_string(labels.dtype())) +
                     " of shape " + to_string(labels.shape()));
  Tensor out = reuse_or_empty(into, Shape{labels.numel(), classes}, dtype);
  fill_(out, 0.0);
  const std::int64_t* pl = labels.data<std::int64_t>();
  dispatch_floating(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* po = out.data<T>();
    for (std::int64_t i = 0; i < labels.numel(); ++i) po[i * classes + checked(pl[i], classes, "one_hot")] = T(1);
  });
  return out;
}

}  // namespace descent::kernels
