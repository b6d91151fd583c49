#include "descent/tensor/kernels/activation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "scalar_math.hpp"

namespace descent::kernels {
namespace {

// y[i] = f(x[i]) over a contiguous copy of x, into a new tensor or `into`.
template <class F>
Tensor map(const Tensor& x_in, F&& f, const Tensor& into = Tensor()) {
  Tensor x_keep;
  const Tensor& x = contiguous_ref(x_in, x_keep);
  Tensor out = reuse_or_empty(into, x.shape(), x.dtype());
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = out.data<T>();
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = f(px[i]);
  });
  return out;
}

// dx[i] = f(g[i], x[i]) for a gradient and the forward's input of the same shape.
template <class F>
Tensor map_backward(const Tensor& g_in, const Tensor& x_in, const char* what, F&& f, const Tensor& into = Tensor()) {
  if (!(g_in.shape() == x_in.shape()) || g_in.dtype() != x_in.dtype())
    throw ShapeError(std::string(what) + ": gradient of shape " + to_string(g_in.shape()) + " does not match input " +
                     to_string(x_in.shape()));
  Tensor g_keep, x_keep;
  const Tensor& g = contiguous_ref(g_in, g_keep);
  const Tensor& x = contiguous_ref(x_in, x_keep);
  Tensor out = reuse_or_empty(into, x.shape(), x.dtype());
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *pg = g.data<T>(), *px = x.data<T>();
    T* po = out.data<T>();
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) po[i] = f(pg[i], px[i]);
  });
  return out;
}

}  // namespace

Tensor clamp(const Tensor& x, double min, double max) {
  return map(x, [min, max](auto v) {
    using T = decltype(v);
    return std::min(std::max(v, static_cast<T>(min)), static_cast<T>(max));  // NaN passes both
  });
}

Tensor clamp_backward(const Tensor& g, const Tensor& x, double min, double max) {
  return map_backward(g, x, "clamp backward", [min, max](auto gv, auto v) {
    using T = decltype(v);
    return v >= static_cast<T>(min) && v <= static_cast<T>(max) ? gv : T(0);
  });
}

Tensor leaky_relu(const Tensor& x, double slope, const Tensor& out) {
  return map(
      x, [slope](auto v) { return v > 0 ? v : v * static_cast<decltype(v)>(slope); }, out);
}

Tensor leaky_relu_backward(const Tensor& g, const Tensor& x, double slope, const Tensor& out) {
  return map_backward(
      g, x, "leaky_relu backward",
      [slope](auto gv, auto v) { return v > 0 ? gv : gv * static_cast<decltype(v)>(slope); }, out);
}

Tensor elu(const Tensor& x, double alpha, const Tensor& out) {
  return map(
      x,
      [alpha](auto v) {
        using T = decltype(v);
        return v > 0 ? v : static_cast<T>(alpha) * std::expm1(v);
      },
      out);
}

Tensor elu_backward(const Tensor& g, const Tensor& x, double alpha, const Tensor& out) {
  return map_backward(
      g, x, "elu backward",
      [alpha](auto gv, auto v) {
        using T = decltype(v);
        return v > 0 ? gv : gv * static_cast<T>(alpha) * std::exp(v);
      },
      out);
}

Tensor erf(const Tensor& x) {
  return map(x, [](auto v) { return std::erf(v); });
}

Tensor gelu(const Tensor& x, const Tensor& out) {
  return map(
      x,
      [](auto v) {
        using T = decltype(v);
        return v * T(0.5) * (T(1) + std::erf(v * static_cast<T>(std::numbers::sqrt2 / 2)));
      },
      out);
}

Tensor gelu_backward(const Tensor& g, const Tensor& x, const Tensor& out) {
  // d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density
  return map_backward(
      g, x, "gelu backward",
      [](auto gv, auto v) {
        using T = decltype(v);
        const T cdf = T(0.5) * (T(1) + std::erf(v * static_cast<T>(std::numbers::sqrt2 / 2)));
        const T pdf = std::exp(T(-0.5) * v * v) * static_cast<T>(std::numbers::inv_sqrtpi / std::numbers::sqrt2);
        return gv * (cdf + v * pdf);
      },
      out);
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  return map(x, [beta, threshold](auto v) {
    using T = decltype(v);
    const T z = v * static_cast<T>(beta);
    // log1p(e^z) = max(z, 0) + log1p(e^-|z|): no overflow for large z, no lost digits for small e^z
    return z > static_cast<T>(threshold)
               ? v
               : (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / static_cast<T>(beta);
  });
}

Tensor softplus_backward(const Tensor& g, const Tensor& x, double beta, double threshold) {
  // d/dx log(1 + e^(beta x)) / beta = sigmoid(beta x)
  return map_backward(g, x, "softplus backward", [beta, threshold](auto gv, auto v) {
    using T = decltype(v);
    const T z = v * static_cast<T>(beta);
    return z > static_cast<T>(threshold) ? gv : gv * stable_sigmoid(z);
  });
}

}  // namespace descent::kernels
