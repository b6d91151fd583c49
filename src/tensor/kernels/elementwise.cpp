#include "descent/tensor/kernels/elementwise.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/strided_loop.hpp"
#include "scalar_math.hpp"
#include "simd.hpp"

namespace descent::kernels {

Strides broadcast_strides(const Shape& from, const Strides& st, const Shape& to) {
  Strides out;
  const int lead = to.size() - from.size();
  for (int i = 0; i < to.size(); ++i) {
    const int j = i - lead;
    out.push_back(j < 0 || from[j] == 1 ? 0 : st[j]);
  }
  return out;
}

namespace {

// The op is a template argument so that each loop below compiles to straight-line code.
template <BinaryOp Op, class T>
inline T bin(T a, T b) {
  if constexpr (Op == BinaryOp::Add) return a + b;
  else if constexpr (Op == BinaryOp::Sub) return a - b;
  else if constexpr (Op == BinaryOp::Mul) return a * b;
  else if constexpr (Op == BinaryOp::Div) return a / b;
  else if constexpr (Op == BinaryOp::Pow) return static_cast<T>(std::pow(a, b));
  else if constexpr (Op == BinaryOp::Max) return a > b ? a : b;
  else if constexpr (Op == BinaryOp::Min) return a < b ? a : b;
  else if constexpr (Op == BinaryOp::Gt) return a > b ? T(1) : T(0);
  else if constexpr (Op == BinaryOp::Lt) return a < b ? T(1) : T(0);
  else return a == b ? T(1) : T(0);
}

template <BinaryOp Op, class T>
void binary_typed(const Tensor& a, const Tensor& b, const Tensor& out) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out.data<T>();
  const std::int64_t n = out.numel();
  const bool a_full = a.shape() == out.shape() && a.is_contiguous();
  const bool b_full = b.shape() == out.shape() && b.is_contiguous();
  if (a_full && b_full) {
    for (std::int64_t i = 0; i < n; ++i) po[i] = bin<Op>(pa[i], pb[i]);
  } else if (a_full && b.numel() == 1) {
    const T s = pb[0];
    for (std::int64_t i = 0; i < n; ++i) po[i] = bin<Op>(pa[i], s);
  } else if (b_full && a.numel() == 1) {
    const T s = pa[0];
    for (std::int64_t i = 0; i < n; ++i) po[i] = bin<Op>(s, pb[i]);
  } else {
    const Strides sa = broadcast_strides(a.shape(), a.strides(), out.shape());
    const Strides sb = broadcast_strides(b.shape(), b.strides(), out.shape());
    strided_loop(
        out.shape(), sa, sb,
        [&](std::int64_t oa, std::int64_t ob, std::int64_t oo, std::int64_t len, std::int64_t ia, std::int64_t ib) {
          if (ia == 1 && ib == 1) {
            for (std::int64_t k = 0; k < len; ++k) po[oo + k] = bin<Op>(pa[oa + k], pb[ob + k]);
          } else if (ia == 1 && ib == 0) {
            const T s = pb[ob];
            for (std::int64_t k = 0; k < len; ++k) po[oo + k] = bin<Op>(pa[oa + k], s);
          } else {
            for (std::int64_t k = 0; k < len; ++k) po[oo + k] = bin<Op>(pa[oa + k * ia], pb[ob + k * ib]);
          }
        });
  }
}

template <BinaryOp Op>
void binary_dispatch(const Tensor& a, const Tensor& b, const Tensor& out) {
  switch (out.dtype()) {
    case Dtype::Float32: return binary_typed<Op, float>(a, b, out);
    case Dtype::Float64: return binary_typed<Op, double>(a, b, out);
    case Dtype::Int64: return binary_typed<Op, std::int64_t>(a, b, out);
    case Dtype::UInt8: throw ValueError("arithmetic on uint8 tensors is not supported; convert with to()");
  }
}

template <UnaryOp Op, class T>
inline T un(T x) {
  if constexpr (Op == UnaryOp::Neg) return -x;
  else if constexpr (Op == UnaryOp::Exp) return std::exp(x);
  else if constexpr (Op == UnaryOp::Log) return std::log(x);
  else if constexpr (Op == UnaryOp::Sqrt) return std::sqrt(x);
  else if constexpr (Op == UnaryOp::Sigmoid) return stable_sigmoid(x);
  else if constexpr (Op == UnaryOp::Tanh) return std::tanh(x);
  else if constexpr (Op == UnaryOp::Relu) return x > T(0) ? x : T(0);
  else if constexpr (Op == UnaryOp::Abs) return std::abs(x);
  else if constexpr (Op == UnaryOp::Sin) return std::sin(x);
  else if constexpr (Op == UnaryOp::Cos) return std::cos(x);
  else if constexpr (Op == UnaryOp::Sign) return static_cast<T>((x > T(0)) - (x < T(0)));
  else if constexpr (Op == UnaryOp::Reciprocal) return T(1) / x;
  else return x * x;
}

template <UnaryOp Op>
Tensor unary_impl(const Tensor& a_in, const Tensor& into) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  Tensor out = reuse_or_empty(into, a.shape(), a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    const std::int64_t n = a.numel();
    if constexpr (Op == UnaryOp::Sigmoid) simd::sigmoid<T>(n, pa, po);
    else
      for (std::int64_t i = 0; i < n; ++i) po[i] = un<Op>(pa[i]);
  });
  return out;
}

void check_same_dtype(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dtype() != b.dtype())
    throw ValueError(std::string(what) + ": operands have dtypes " + std::string(to_string(a.dtype())) + " and " +
                     std::string(to_string(b.dtype())) + "; convert one with to()");
}

// Runs f(pa, pb, po, n) over contiguous copies of two same-shape tensors and a fresh output (or `into`).
template <class F>
Tensor zip_same_shape(const Tensor& a_in, const Tensor& b_in, const Tensor& into, const char* what, F&& f) {
  check_same_dtype(a_in, b_in, what);
  if (!(a_in.shape() == b_in.shape()))
    throw ShapeError(std::string(what) + ": shapes " + to_string(a_in.shape()) + " and " + to_string(b_in.shape()) +
                     " differ");
  Tensor a_keep, b_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  const Tensor& b = contiguous_ref(b_in, b_keep);
  Tensor out = reuse_or_empty(into, a.shape(), a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    f(a.data<T>(), b.data<T>(), out.data<T>(), a.numel());
  });
  return out;
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& into) {
  check_same_dtype(a, b, "elementwise op");
  Tensor out = reuse_or_empty(into, broadcast_shapes(a.shape(), b.shape()), a.dtype());
  switch (op) {
    case BinaryOp::Add: binary_dispatch<BinaryOp::Add>(a, b, out); break;
    case BinaryOp::Sub: binary_dispatch<BinaryOp::Sub>(a, b, out); break;
    case BinaryOp::Mul: binary_dispatch<BinaryOp::Mul>(a, b, out); break;
    case BinaryOp::Div: binary_dispatch<BinaryOp::Div>(a, b, out); break;
    case BinaryOp::Pow: binary_dispatch<BinaryOp::Pow>(a, b, out); break;
    case BinaryOp::Max: binary_dispatch<BinaryOp::Max>(a, b, out); break;
    case BinaryOp::Min: binary_dispatch<BinaryOp::Min>(a, b, out); break;
    case BinaryOp::Gt: binary_dispatch<BinaryOp::Gt>(a, b, out); break;
    case BinaryOp::Lt: binary_dispatch<BinaryOp::Lt>(a, b, out); break;
    case BinaryOp::Eq: binary_dispatch<BinaryOp::Eq>(a, b, out); break;
  }
  return out;
}

Tensor unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  switch (op) {
    case UnaryOp::Neg: return unary_impl<UnaryOp::Neg>(a, out);
    case UnaryOp::Exp: return unary_impl<UnaryOp::Exp>(a, out);
    case UnaryOp::Log: return unary_impl<UnaryOp::Log>(a, out);
    case UnaryOp::Sqrt: return unary_impl<UnaryOp::Sqrt>(a, out);
    case UnaryOp::Sigmoid: return unary_impl<UnaryOp::Sigmoid>(a, out);
    case UnaryOp::Tanh: return unary_impl<UnaryOp::Tanh>(a, out);
    case UnaryOp::Relu: return unary_impl<UnaryOp::Relu>(a, out);
    case UnaryOp::Abs: return unary_impl<UnaryOp::Abs>(a, out);
    case UnaryOp::Sin: return unary_impl<UnaryOp::Sin>(a, out);
    case UnaryOp::Cos: return unary_impl<UnaryOp::Cos>(a, out);
    case UnaryOp::Sign: return unary_impl<UnaryOp::Sign>(a, out);
    case UnaryOp::Reciprocal: return unary_impl<UnaryOp::Reciprocal>(a, out);
    case UnaryOp::Square: return unary_impl<UnaryOp::Square>(a, out);
  }
  return Tensor();
}

Tensor pow_scalar(const Tensor& a_in, double p) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    const std::int64_t n = a.numel();
    if (p == 2.0) {
      for (std::int64_t i = 0; i < n; ++i) po[i] = pa[i] * pa[i];
    } else {
      for (std::int64_t i = 0; i < n; ++i) po[i] = static_cast<T>(std::pow(pa[i], static_cast<T>(p)));
    }
  });
  return out;
}

Tensor affine(const Tensor& a_in, double scale, double shift, const Tensor& into) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  Tensor out = reuse_or_empty(into, a.shape(), a.dtype());
  dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    const T s = static_cast<T>(scale), c = static_cast<T>(shift);
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i) po[i] = pa[i] * s + c;
  });
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  // (cond != 0) * a + (cond == 0) * b, written with the broadcasting binary ops.
  const Tensor zero = zeros(Shape{}, cond.dtype());
  const Tensor is_zero = cast(binary(BinaryOp::Eq, cond, zero), a.dtype());
  const Tensor not_zero = kernels::affine(is_zero, -1.0, 1.0);
  return binary(BinaryOp::Add, binary(BinaryOp::Mul, not_zero, a), binary(BinaryOp::Mul, is_zero, b));
}

Tensor sigmoid_backward(const Tensor& grad, const Tensor& s, const Tensor& out) {
  return zip_same_shape(grad, s, out, "sigmoid backward", [](auto* g, auto* y, auto* o, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) o[i] = g[i] * y[i] * (1 - y[i]);
  });
}

Tensor tanh_backward(const Tensor& grad, const Tensor& t, const Tensor& out) {
  return zip_same_shape(grad, t, out, "tanh backward", [](auto* g, auto* y, auto* o, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) o[i] = g[i] * (1 - y[i] * y[i]);
  });
}

Tensor relu_backward(const Tensor& grad, const Tensor& x, const Tensor& out) {
  return zip_same_shape(grad, x, out, "relu backward", [](auto* g, auto* v, auto* o, std::int64_t n) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(o)>>;
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = g[i];  // read unconditionally, so that the select vectorizes
      o[i] = v[i] > 0 ? gi : T(0);
    }
  });
}

void copy_(const Tensor& dst, const Tensor& src) {
  if (!(dst.shape() == src.shape()))
    throw ShapeError("copy: shapes " + to_string(dst.shape()) + " and " + to_string(src.shape()) + " differ");
  if (!dst.is_contiguous()) throw ValueError("copy: destination must be contiguous");
  auto run = [&](auto dtag, auto stag) {
    using D = decltype(dtag);
    using S = decltype(stag);
    D* pd = dst.data<D>();
    const S* ps = src.data<S>();
    if (src.is_contiguous()) {
      for (std::int64_t i = 0, n = src.numel(); i < n; ++i) pd[i] = static_cast<D>(ps[i]);
      return;
    }
    strided_loop(src.shape(), src.strides(), src.strides(),
                 [&](std::int64_t os, std::int64_t, std::int64_t od, std::int64_t len, std::int64_t is, std::int64_t) {
                   for (std::int64_t k = 0; k < len; ++k) pd[od + k] = static_cast<D>(ps[os + k * is]);
                 });
  };
  auto with_src = [&](auto dtag) {
    switch (src.dtype()) {
      case Dtype::Float32: return run(dtag, float{});
      case Dtype::Float64: return run(dtag, double{});
      case Dtype::Int64: return run(dtag, std::int64_t{});
      case Dtype::UInt8: return run(dtag, std::uint8_t{});
    }
  };
  switch (dst.dtype()) {
    case Dtype::Float32: return with_src(float{});
    case Dtype::Float64: return with_src(double{});
    case Dtype::Int64: return with_src(std::int64_t{});
    case Dtype::UInt8: return with_src(std::uint8_t{});
  }
}

Tensor contiguous(const Tensor& a) {
  if (a.is_contiguous()) return a;
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  copy_(out, a);
  return out;
}

Tensor cast(const Tensor& a, Dtype dtype) {
  if (a.dtype() == dtype) return a;
  Tensor out = Tensor::empty(a.shape(), dtype);
  copy_(out, a);
  return out;
}

void add_(const Tensor& y, const Tensor& x_in, double alpha) {
  check_same_dtype(y, x_in, "add_");
  if (!y.is_contiguous()) throw ValueError("add_: destination must be contiguous");
  if (!(broadcast_shapes(y.shape(), x_in.shape()) == y.shape()))
    throw ShapeError("add_: cannot add shape " + to_string(x_in.shape()) + " into " + to_string(y.shape()));
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* px = x_in.data<T>();
    const T a = static_cast<T>(alpha);
    if (x_in.shape() == y.shape() && x_in.is_contiguous()) {
      simd::axpy<T>(y.numel(), a, px, py);
      return;
    }
    const Strides sx = broadcast_strides(x_in.shape(), x_in.strides(), y.shape());
    strided_loop(y.shape(), sx, sx,
                 [&](std::int64_t ox, std::int64_t, std::int64_t oy, std::int64_t len, std::int64_t ix, std::int64_t) {
                   for (std::int64_t k = 0; k < len; ++k) py[oy + k] += a * px[ox + k * ix];
                 });
  });
}

void mul_(const Tensor& y, double s) {
  if (!y.is_contiguous()) throw ValueError("mul_: destination must be contiguous");
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T v = static_cast<T>(s);
    for (std::int64_t i = 0, n = y.numel(); i < n; ++i) py[i] *= v;
  });
}

bool all_finite(const Tensor& a_in) {
  const Tensor a = contiguous(a_in);
  return dispatch_floating(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = a.data<T>();
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i)
      if (!std::isfinite(p[i])) return false;
    return true;
  });
}

namespace {

// Checks that `y` is contiguous and each operand has its shape and dtype; returns contiguous operands.
template <std::size_t N>
std::array<Tensor, N> same_as_destination(const char* what, const Tensor& y, std::array<const Tensor*, N> xs) {
  if (!y.is_contiguous()) throw ValueError(std::string(what) + ": destination must be contiguous");
  std::array<Tensor, N> out;
  for (std::size_t k = 0; k < N; ++k) {
    check_same_dtype(y, *xs[k], what);
    if (!(xs[k]->shape() == y.shape()))
      throw ShapeError(std::string(what) + ": operand shape " + to_string(xs[k]->shape()) + " differs from " +
                       to_string(y.shape()));
    out[k] = contiguous(*xs[k]);
  }
  return out;
}

// y[i] = f(y[i]) over a contiguous floating tensor.
template <class F>
void map_in_place(const char* what, const Tensor& y, F&& f) {
  if (!y.is_contiguous()) throw ValueError(std::string(what) + ": destination must be contiguous");
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    for (std::int64_t i = 0, n = y.numel(); i < n; ++i) py[i] = f(py[i]);
  });
}

}  // namespace

void addcmul_(const Tensor& y, const Tensor& a_in, const Tensor& b_in, double value) {
  const auto ops = same_as_destination<2>("addcmul_", y, {&a_in, &b_in});
  const Tensor &a = ops[0], &b = ops[1];
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T *pa = a.data<T>(), *pb = b.data<T>();
    const T v = static_cast<T>(value);
    for (std::int64_t i = 0, n = y.numel(); i < n; ++i) py[i] = py[i] + v * pa[i] * pb[i];
  });
}

void addcdiv_(const Tensor& y, const Tensor& a_in, const Tensor& b_in, double value) {
  const auto ops = same_as_destination<2>("addcdiv_", y, {&a_in, &b_in});
  const Tensor &a = ops[0], &b = ops[1];
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T *pa = a.data<T>(), *pb = b.data<T>();
    const T v = static_cast<T>(value);
    for (std::int64_t i = 0, n = y.numel(); i < n; ++i) py[i] = py[i] + v * pa[i] / pb[i];
  });
}

void maximum_(const Tensor& y, const Tensor& x_in) {
  const Tensor x = same_as_destination<1>("maximum_", y, {&x_in})[0];
  dispatch_floating(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* px = x.data<T>();
    for (std::int64_t i = 0, n = y.numel(); i < n; ++i)
      if (px[i] > py[i] || std::isnan(px[i])) py[i] = px[i];
  });
}

void div_(const Tensor& y, double s) {
  map_in_place("div_", y, [s](auto v) { return v / static_cast<decltype(v)>(s); });
}

void add_scalar_(const Tensor& y, double c) {
  map_in_place("add_scalar_", y, [c](auto v) { return v + static_cast<decltype(v)>(c); });
}

void sqrt_(const Tensor& y) {
  map_in_place("sqrt_", y, [](auto v) { return std::sqrt(v); });
}

void clamp_(const Tensor& y, double low, double high) {
  map_in_place("clamp_", y, [low, high](auto v) {
    using T = decltype(v);
    if (std::isnan(v)) return v;
    return std::min(std::max(v, static_cast<T>(low)), static_cast<T>(high));
  });
}

}  // namespace descent::kernels
