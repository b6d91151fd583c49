#include "descent/tensor/kernels/reduction.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/strided_loop.hpp"

namespace descent::kernels {
namespace {

template <class T>
using Acc = double;  // accumulator type for both float types

// Shape of `a` with `dim` set to 1.
Shape keep_shape(const Shape& s, int dim) {
  Shape out = s;
  out[dim] = 1;
  return out;
}

// Views a contiguous tensor as (outer, n, inner) around `dim`.
struct Split {
  std::int64_t outer = 1, n = 1, inner = 1;
};
Split split_at(const Shape& s, int dim) {
  Split sp;
  for (int i = 0; i < dim; ++i) sp.outer *= s[i];
  sp.n = s[dim];
  for (int i = dim + 1; i < s.size(); ++i) sp.inner *= s[i];
  return sp;
}

}  // namespace

Tensor sum_to(const Tensor& a, const Shape& shape) {
  if (a.shape() == shape) return a;
  if (!(broadcast_shapes(shape, a.shape()) == a.shape()))
    throw ShapeError("cannot sum shape " + to_string(a.shape()) + " down to " + to_string(shape));
  Tensor out = zeros(shape, a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* po = out.data<T>();
    // Walk a; the output is addressed with stride 0 along each summed dimension.
    const Strides so = broadcast_strides(shape, out.strides(), a.shape());
    const Tensor ac = contiguous(a);
    const T* pc = ac.data<T>();
    strided_loop(a.shape(), so, so,
                 [&](std::int64_t oo, std::int64_t, std::int64_t oa, std::int64_t len, std::int64_t io, std::int64_t) {
                   if (io == 0) {
                     Acc<T> s = 0;
                     for (std::int64_t k = 0; k < len; ++k) s += pc[oa + k];
                     po[oo] += static_cast<T>(s);
                   } else {
                     for (std::int64_t k = 0; k < len; ++k) po[oo + k * io] += pc[oa + k];
                   }
                 });
  });
  return out;
}

Tensor squared_difference_sum(const Tensor& a_in, const Tensor& b_in, Tensor& diff, const Tensor& into) {
  if (!(a_in.shape() == b_in.shape()) || a_in.dtype() != b_in.dtype())
    throw ShapeError("squared difference of shapes " + to_string(a_in.shape()) + " and " + to_string(b_in.shape()));
  Tensor a_keep, b_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  const Tensor& b = contiguous_ref(b_in, b_keep);
  diff = reuse_or_empty(diff, a.shape(), a.dtype());
  Tensor out = reuse_or_empty(into, Shape{}, a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* pd = diff.data<T>();
    Acc<T> s = 0;
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i) {
      pd[i] = pa[i] - pb[i];
      s += static_cast<Acc<T>>(pd[i]) * pd[i];
    }
    *out.data<T>() = static_cast<T>(s);
  });
  return out;
}

Tensor sum(const Tensor& a_in, const Tensor& into) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  Tensor out = reuse_or_empty(into, Shape{}, a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    Acc<T> s = 0;
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i) s += p[i];
    *out.data<T>() = static_cast<T>(s);
  });
  return out;
}

Tensor sum(const Tensor& a, std::int64_t dim_in, bool keepdim) {
  const int dim = normalize_dim(dim_in, a.dim());
  if (a.dim() == 0) return a;
  if (dim == 0 && a.dim() == 2 && !keepdim && a.is_contiguous() && is_floating(a.dtype())) return sum_rows(a);
  Tensor out = sum_to(a, keep_shape(a.shape(), dim));
  if (out.same(a)) {  // a size-1 dimension: return a copy, never an alias
    out = Tensor::empty(a.shape(), a.dtype());
    copy_(out, a);
  }
  if (!keepdim) {
    Shape s = out.shape();
    s.erase(dim);
    out = out.view_as_shape(s);
  }
  return out;
}

// Column sums of a matrix (a bias's gradient, every step): one pass, one new tensor.
Tensor sum_rows(const Tensor& a, const Tensor& into) {
  if (a.dim() != 2 || !a.is_contiguous() || !is_floating(a.dtype()))
    throw ShapeError("sum_rows: expected a contiguous floating matrix, got shape " + to_string(a.shape()));
  const std::int64_t rows = a.shape()[0], cols = a.shape()[1];
  Tensor out = reuse_or_empty(into, Shape{cols}, a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    T* o = out.data<T>();
    for (std::int64_t j = 0; j < cols; ++j) o[j] = rows > 0 ? p[j] : T(0);
    for (std::int64_t r = 1; r < rows; ++r)
      for (std::int64_t j = 0; j < cols; ++j) o[j] += p[r * cols + j];
  });
  return out;
}

Tensor mean(const Tensor& a, const Tensor& into) {
  if (a.numel() == 0) throw ValueError("mean of an empty tensor");
  Tensor s = kernels::sum(a, into);
  mul_(s, 1.0 / static_cast<double>(a.numel()));
  return s;
}

Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim) {
  Tensor s = kernels::sum(a, dim, keepdim);
  const std::int64_t n = a.dim() == 0 ? 1 : a.shape()[normalize_dim(dim, a.dim())];
  mul_(s, 1.0 / static_cast<double>(n));
  return s;
}

std::pair<Tensor, Tensor> max(const Tensor& a_in, std::int64_t dim_in, bool keepdim) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  const int dim = normalize_dim(dim_in, a.dim());
  if (a.dim() == 0) return {a, zeros(Shape{}, Dtype::Int64)};
  if (a.shape()[dim] == 0) throw ValueError("max over an empty dimension");
  const Split sp = split_at(a.shape(), dim);
  Shape kept = keep_shape(a.shape(), dim);
  Tensor values = Tensor::empty(kept, a.dtype());
  Tensor indices = Tensor::empty(kept, Dtype::Int64);
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    T* pv = values.data<T>();
    std::int64_t* pi = indices.data<std::int64_t>();
    for (std::int64_t o = 0; o < sp.outer; ++o)
      for (std::int64_t i = 0; i < sp.inner; ++i) {
        const T* row = p + o * sp.n * sp.inner + i;
        T best = row[0];
        std::int64_t at = 0;
        for (std::int64_t k = 1; k < sp.n; ++k)
          if (row[k * sp.inner] > best || (std::isnan(row[k * sp.inner]) && !std::isnan(best))) {
            best = row[k * sp.inner];
            at = k;
          }
        pv[o * sp.inner + i] = best;
        pi[o * sp.inner + i] = at;
      }
  });
  if (!keepdim) {
    kept.erase(dim);
    values = values.view_as_shape(kept);
    indices = indices.view_as_shape(kept);
  }
  return {values, indices};
}

Tensor max(const Tensor& a) { return max(contiguous(a).view_as_shape(Shape{a.numel()}), 0, false).first; }

Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim) { return max(a, dim, keepdim).second; }

Tensor argmax(const Tensor& a) { return max(contiguous(a).view_as_shape(Shape{a.numel()}), 0, false).second; }

double norm(const Tensor& a_in, double p) {
  if (!(p > 0)) throw ValueError("norm: p = " + std::to_string(p) + ": expected p > 0 (or infinity)");
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  return dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* x = a.data<T>();
    const std::int64_t n = a.numel();
    double acc = 0;
    if (std::isinf(p)) {
      for (std::int64_t i = 0; i < n; ++i) {
        const double v = std::abs(static_cast<double>(x[i]));
        if (v > acc || std::isnan(v)) acc = v;
        if (std::isnan(acc)) break;
      }
      return acc;
    }
    if (p == 2.0) {
      for (std::int64_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
      return std::sqrt(acc);
    }
    if (p == 1.0) {
      for (std::int64_t i = 0; i < n; ++i) acc += std::abs(static_cast<double>(x[i]));
      return acc;
    }
    for (std::int64_t i = 0; i < n; ++i) acc += std::pow(std::abs(static_cast<double>(x[i])), p);
    return std::pow(acc, 1.0 / p);
  });
}

}  // namespace descent::kernels
