// The binary cross-entropy loops follow PyTorch 1.13's CPU kernels (aten/src/ATen/native/Loss.cpp,
// binary_cross_entropy_out_cpu and friends) operation for operation, so that both libraries round alike.
#include "descent/tensor/kernels/loss.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "descent/tensor/kernels/elementwise.hpp"
#include "scalar_math.hpp"

namespace descent::kernels {
namespace {

// Calls f(T{}) with T the C++ type of a, for the floating types and int64.
template <class F>
decltype(auto) dispatch_numeric(Dtype d, F&& f) {
  if (d == Dtype::Int64) return f(std::int64_t{});
  return dispatch_floating(d, std::forward<F>(f));
}

template <class F>
std::int64_t find_first(const Tensor& a_in, F&& bad) {
  Tensor a_keep;
  const Tensor& a = contiguous_ref(a_in, a_keep);
  return dispatch_numeric(a.dtype(), [&](auto tag) -> std::int64_t {
    using T = decltype(tag);
    const T* p = a.data<T>();
    for (std::int64_t i = 0, n = a.numel(); i < n; ++i)
      if (bad(static_cast<double>(p[i]))) return i;
    return -1;
  });
}

void check_operands(const Tensor& x, const Tensor& other, const char* what) {
  if (!other.defined()) return;
  if (!(x.shape() == other.shape()) || x.dtype() != other.dtype())
    throw ShapeError(std::string(what) + ": operands of shape " + to_string(x.shape()) + " and " +
                     to_string(other.shape()) + " (dtypes " + std::string(to_string(x.dtype())) + ", " +
                     std::string(to_string(other.dtype())) + ") must agree");
}

// Runs f(i, x, y, w) for every element of same-shape tensors into a fresh output of x's shape;
// `w` is 1 where `weight` is undefined.
template <class F>
Tensor map_elements(const Tensor& x_in, const Tensor& y_in, const Tensor& w_in, const char* what, F&& f) {
  check_operands(x_in, y_in, what);
  check_operands(x_in, w_in, what);
  Tensor x_keep;
  const Tensor& x = contiguous_ref(x_in, x_keep);
  const Tensor y = y_in.defined() ? contiguous(y_in) : Tensor();
  const Tensor w = w_in.defined() ? contiguous(w_in) : Tensor();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    const T* py = y.defined() ? y.data<T>() : nullptr;
    const T* pw = w.defined() ? w.data<T>() : nullptr;
    T* po = out.data<T>();
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) po[i] = f(px[i], py ? py[i] : T(0), pw ? pw[i] : T(1));
  });
  return out;
}

// PyTorch's EPSILON for the probability BCE backward: 1e-12, held as a float (9.99999996e-13), which
// decides the gradient where x (1 - x) < 1e-12.
constexpr float kBceEpsilon = 1e-12f;

template <class T>
T clamped_log(T v) {
  return std::max(static_cast<T>(std::log(v)), T(-100));
}

// softplus(-x) = log(1 + e^-x) = m + log(e^-m + e^(-x-m)) with m = max(-x, 0).
template <class T>
T softplus_of_negated(T x, T m) {
  return static_cast<T>(std::log(std::exp(-m) + std::exp(-x - m)));
}

}  // namespace

std::int64_t find_outside(const Tensor& a, double low, double high) {
  return find_first(a, [low, high](double v) { return !(v >= low && v <= high); });
}

std::int64_t find_other_than(const Tensor& a, double v0, double v1) {
  return find_first(a, [v0, v1](double v) { return v != v0 && v != v1; });
}

Tensor binary_cross_entropy(const Tensor& x, const Tensor& y) {
  return map_elements(x, y, Tensor(), "binary_cross_entropy", [](auto xi, auto yi, auto) {
    using T = decltype(xi);
    return (yi - T(1)) * clamped_log(T(1) - xi) - yi * clamped_log(xi);
  });
}

Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& x, const Tensor& y) {
  const Tensor d = map_elements(x, y, Tensor(), "binary_cross_entropy backward", [](auto xi, auto yi, auto) {
    using T = decltype(xi);
    return (xi - yi) / std::max((T(1) - xi) * xi, static_cast<T>(kBceEpsilon));
  });
  return binary(BinaryOp::Mul, grad, d);
}

Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& x) {
  const Tensor d = map_elements(x, Tensor(), Tensor(), "binary_cross_entropy target backward", [](auto xi, auto, auto) {
    using T = decltype(xi);
    return clamped_log(T(1) - xi) - clamped_log(xi);
  });
  return binary(BinaryOp::Mul, grad, d);
}

Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& y, const Tensor& pos_weight) {
  if (!pos_weight.defined())
    return map_elements(x, y, Tensor(), "binary_cross_entropy_with_logits", [](auto xi, auto yi, auto) {
      using T = decltype(xi);
      const T m = std::max(-xi, T(0));
      return (T(1) - yi) * xi + m + softplus_of_negated(xi, m);
    });
  return map_elements(x, y, pos_weight, "binary_cross_entropy_with_logits", [](auto xi, auto yi, auto pw) {
    using T = decltype(xi);
    const T m = std::max(-xi, T(0));
    const T log_weight = (pw - T(1)) * yi + T(1);
    return (T(1) - yi) * xi + log_weight * (softplus_of_negated(xi, m) + m);
  });
}

Tensor binary_cross_entropy_with_logits_backward(const Tensor& grad, const Tensor& x, const Tensor& y,
                                                 const Tensor& pos_weight) {
  const char* what = "binary_cross_entropy_with_logits backward";
  const Tensor d = pos_weight.defined() ? map_elements(x, y, pos_weight, what,
                                                       [](auto xi, auto yi, auto pw) {
                                                         using T = decltype(xi);
                                                         const T t = pw * yi;
                                                         return (t + T(1) - yi) * stable_sigmoid(xi) - t;
                                                       })
                                        : map_elements(x, y, Tensor(), what,
                                                       [](auto xi, auto yi, auto) { return stable_sigmoid(xi) - yi; });
  return binary(BinaryOp::Mul, grad, d);
}

Tensor binary_cross_entropy_with_logits_target_backward(const Tensor& grad, const Tensor& x, const Tensor& pos_weight) {
  const Tensor d = map_elements(x, Tensor(), pos_weight, "binary_cross_entropy_with_logits target backward",
                                [&](auto xi, auto, auto pw) {
                                  if (!pos_weight.defined()) return -xi;
                                  return log_sigmoid(-xi) - log_sigmoid(xi) * pw;
                                });
  return binary(BinaryOp::Mul, grad, d);
}

}  // namespace descent::kernels
