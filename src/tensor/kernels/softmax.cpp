#include "descent/tensor/kernels/softmax.hpp"

#include <algorithm>
#include <cmath>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::kernels {
namespace {

// Calls f(row_pointer_offset, n, stride) for every line along `dim` of a contiguous tensor of shape s.
template <class F>
void for_each_line(const Shape& s, int dim, F&& f) {
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < dim; ++i) outer *= s[i];
  for (int i = dim + 1; i < s.size(); ++i) inner *= s[i];
  const std::int64_t n = s[dim];
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) f(o * n * inner + i, n, inner);
}

template <bool Log>
Tensor softmax_impl(const Tensor& a_in, std::int64_t dim_in, const Tensor& into) {
  const Tensor a = contiguous(a_in);
  if (a.dim() == 0) return kernels::affine(a, 0.0, Log ? 0.0 : 1.0);  // one element: softmax 1, log-softmax 0
  const int dim = normalize_dim(dim_in, a.dim());
  Tensor out = reuse_or_empty(into, a.shape(), a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    T* q = out.data<T>();
    for_each_line(a.shape(), dim, [&](std::int64_t off, std::int64_t n, std::int64_t st) {
      T m = -INFINITY;
      for (std::int64_t k = 0; k < n; ++k) m = std::max(m, p[off + k * st]);
      if (std::isinf(m)) m = 0;  // all -inf (or +inf) rows: let the arithmetic give NaN or 0 honestly
      double total = 0;
      for (std::int64_t k = 0; k < n; ++k) {
        const T e = std::exp(p[off + k * st] - m);
        if constexpr (!Log) q[off + k * st] = e;
        total += e;
      }
      if constexpr (Log) {
        const T lse = m + static_cast<T>(std::log(total));
        for (std::int64_t k = 0; k < n; ++k) q[off + k * st] = p[off + k * st] - lse;
      } else {
        const T inv = static_cast<T>(1.0 / total);
        for (std::int64_t k = 0; k < n; ++k) q[off + k * st] *= inv;
      }
    });
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& a, std::int64_t dim) { return softmax_impl<false>(a, dim, Tensor()); }
Tensor log_softmax(const Tensor& a, std::int64_t dim, const Tensor& out) { return softmax_impl<true>(a, dim, out); }

Tensor softmax_backward(const Tensor& g_in, const Tensor& s_in, std::int64_t dim_in) {
  const Tensor g = contiguous(g_in), s = contiguous(s_in);
  Tensor out = Tensor::empty(s.shape(), s.dtype());
  const int dim = normalize_dim(dim_in, s.dim());
  dispatch_floating(s.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *pg = g.data<T>(), *ps = s.data<T>();
    T* q = out.data<T>();
    for_each_line(s.shape(), dim, [&](std::int64_t off, std::int64_t n, std::int64_t st) {
      double dot = 0;
      for (std::int64_t k = 0; k < n; ++k) dot += pg[off + k * st] * ps[off + k * st];
      for (std::int64_t k = 0; k < n; ++k)
        q[off + k * st] = ps[off + k * st] * (pg[off + k * st] - static_cast<T>(dot));
    });
  });
  return out;
}

Tensor log_softmax_backward(const Tensor& g_in, const Tensor& l_in, std::int64_t dim_in) {
  const Tensor g = contiguous(g_in), l = contiguous(l_in);
  Tensor out = Tensor::empty(l.shape(), l.dtype());
  const int dim = normalize_dim(dim_in, l.dim());
  dispatch_floating(l.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *pg = g.data<T>(), *pl = l.data<T>();
    T* q = out.data<T>();
    for_each_line(l.shape(), dim, [&](std::int64_t off, std::int64_t n, std::int64_t st) {
      double total = 0;
      for (std::int64_t k = 0; k < n; ++k) total += pg[off + k * st];
      for (std::int64_t k = 0; k < n; ++k)
        q[off + k * st] = pg[off + k * st] - std::exp(pl[off + k * st]) * static_cast<T>(total);
    });
  });
  return out;
}

}  // namespace descent::kernels
