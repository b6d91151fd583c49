#include "descent/tensor/kernels/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::kernels {
namespace {

// (N, C, *) as N blocks of C channels of S contiguous positions.
struct ChannelLayout {
  std::int64_t n = 1, c = 1, s = 1;
  std::int64_t count() const { return n * s; }  // elements per channel
};

ChannelLayout channel_layout(const Shape& shape, const char* what) {
  if (shape.size() < 2)
    throw ShapeError(std::string(what) + ": expected an input of at least 2 dimensions (N, C, ...), got shape " +
                     to_string(shape));
  ChannelLayout l{shape[0], shape[1], 1};
  for (int i = 2; i < shape.size(); ++i) l.s *= shape[i];
  return l;
}

void require_per_channel(const Tensor& t, std::int64_t c, const Tensor& input, const char* name, const char* what) {
  if (!t.defined()) return;
  if (!(t.shape() == Shape{c}))
    throw ShapeError(std::string(what) + ": " + name + " of shape " + to_string(t.shape()) + " does not fit input " +
                     to_string(input.shape()) + " (expected [" + std::to_string(c) + "])");
  if (t.dtype() != input.dtype())
    throw ValueError(std::string(what) + ": " + name + " is " + std::string(to_string(t.dtype())) +
                     " but the input is " + std::string(to_string(input.dtype())));
}

// A contiguous version of an optional per-channel tensor, or nullptr.
template <class T>
const T* optional_data(const Tensor& t, Tensor& keep) {
  if (!t.defined()) return nullptr;
  keep = contiguous(t);
  return keep.data<T>();
}

}  // namespace

BatchNormStats batch_norm_stats(const Tensor& input) { return batch_norm_stats(input, nullptr, nullptr); }

BatchNormStats batch_norm_stats(const Tensor& input_in, const ChannelSumsReducer& reduce, double* count_out) {
  const Tensor input = contiguous(input_in);
  const ChannelLayout l = channel_layout(input.shape(), "batch_norm");
  BatchNormStats r{Tensor::empty(Shape{l.c}, input.dtype()), Tensor::empty(Shape{l.c}, input.dtype())};
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* x = input.data<T>();
    // sums[c], then the count: one reduction for both
    std::vector<double> sums(static_cast<std::size_t>(l.c) + 1, 0.0);
    for (std::int64_t c = 0; c < l.c; ++c) {
      double sum = 0;
      for (std::int64_t n = 0; n < l.n; ++n) {
        const T* row = x + (n * l.c + c) * l.s;
        for (std::int64_t k = 0; k < l.s; ++k) sum += row[k];
      }
      sums[c] = sum;
    }
    sums[l.c] = static_cast<double>(l.count());
    if (reduce) reduce(sums);
    const double count = sums[l.c];
    if (count_out) *count_out = count;
    std::vector<double> squares(static_cast<std::size_t>(l.c), 0.0);
    for (std::int64_t c = 0; c < l.c; ++c) {
      const double mean = sums[c] / count;
      double sq = 0;
      for (std::int64_t n = 0; n < l.n; ++n) {
        const T* row = x + (n * l.c + c) * l.s;
        for (std::int64_t k = 0; k < l.s; ++k) {
          const double d = row[k] - mean;
          sq += d * d;
        }
      }
      squares[c] = sq;
    }
    if (reduce) reduce(squares);
    T* pm = r.mean.data<T>();
    T* pv = r.var.data<T>();
    for (std::int64_t c = 0; c < l.c; ++c) {
      pm[c] = static_cast<T>(sums[c] / count);
      pv[c] = static_cast<T>(squares[c] / count);
    }
  });
  return r;
}

Tensor batch_norm_apply(const Tensor& input_in, const Tensor& mean_in, const Tensor& invstd_in, const Tensor& weight,
                        const Tensor& bias) {
  const Tensor input = contiguous(input_in), mean = contiguous(mean_in), invstd = contiguous(invstd_in);
  const ChannelLayout l = channel_layout(input.shape(), "batch_norm");
  require_per_channel(mean, l.c, input, "the mean", "batch_norm");
  require_per_channel(invstd, l.c, input, "the inverse std", "batch_norm");
  require_per_channel(weight, l.c, input, "weight", "batch_norm");
  require_per_channel(bias, l.c, input, "bias", "batch_norm");
  Tensor out = Tensor::empty(input.shape(), input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor keep_w, keep_b;
    const T* pw = optional_data<T>(weight, keep_w);
    const T* pb = optional_data<T>(bias, keep_b);
    const T *x = input.data<T>(), *pm = mean.data<T>(), *pi = invstd.data<T>();
    T* y = out.data<T>();
    for (std::int64_t n = 0; n < l.n; ++n)
      for (std::int64_t c = 0; c < l.c; ++c) {
        // y = (x - m) s w + b = x a + (b - m a) with a = s w
        const T a = pi[c] * (pw ? pw[c] : T(1));
        const T shift = (pb ? pb[c] : T(0)) - pm[c] * a;
        const std::int64_t at = (n * l.c + c) * l.s;
        for (std::int64_t k = 0; k < l.s; ++k) y[at + k] = x[at + k] * a + shift;
      }
  });
  return out;
}

namespace {

// Both batch_norm_backward: dx from the (reduced) sums, dweight and dbias from this shard's.
NormGrads batch_norm_backward_impl(const Tensor& grad_in, const Tensor& input_in, const Tensor& mean_in,
                                   const Tensor& invstd_in, const Tensor& weight, bool batch_stats, bool need_input,
                                   bool need_weight, bool need_bias, const ChannelSumsReducer& reduce,
                                   double reduced_count) {
  const Tensor grad = contiguous(grad_in), input = contiguous(input_in), mean = contiguous(mean_in),
               invstd = contiguous(invstd_in);
  const ChannelLayout l = channel_layout(input.shape(), "batch_norm backward");
  NormGrads r;
  if (need_input) r.input = Tensor::empty(input.shape(), input.dtype());
  if (need_weight) r.weight = Tensor::empty(Shape{l.c}, input.dtype());
  if (need_bias) r.bias = Tensor::empty(Shape{l.c}, input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor keep_w;
    const T* pw = optional_data<T>(weight, keep_w);
    const T *g = grad.data<T>(), *x = input.data<T>(), *pm = mean.data<T>(), *pi = invstd.data<T>();
    // sum g and sum g (x - mean) over each channel: [sum_g..., sum_gd...]
    std::vector<double> sums(2 * static_cast<std::size_t>(l.c), 0.0);
    for (std::int64_t c = 0; c < l.c; ++c) {
      double sum_g = 0, sum_gd = 0;
      for (std::int64_t n = 0; n < l.n; ++n) {
        const std::int64_t at = (n * l.c + c) * l.s;
        for (std::int64_t k = 0; k < l.s; ++k) {
          sum_g += g[at + k];
          sum_gd += g[at + k] * (static_cast<double>(x[at + k]) - pm[c]);
        }
      }
      sums[c] = sum_g;
      sums[l.c + c] = sum_gd;
      if (need_weight) r.weight.data<T>()[c] = static_cast<T>(sum_gd * pi[c]);  // sum g xhat
      if (need_bias) r.bias.data<T>()[c] = static_cast<T>(sum_g);
    }
    if (!need_input) return;
    double count = static_cast<double>(l.count());
    if (reduce && batch_stats) {
      reduce(sums);
      count = reduced_count;
    }
    T* dx = r.input.data<T>();
    for (std::int64_t c = 0; c < l.c; ++c) {
      const double s = pi[c], w = pw ? pw[c] : 1.0;
      const double scale = w * s;
      // batch statistics: dx = w s (g - sum_g / M - (x - mean) s^2 sum_gd / M)
      const double mean_g = batch_stats ? sums[c] / count : 0.0;
      const double slope = batch_stats ? s * s * sums[l.c + c] / count : 0.0;
      for (std::int64_t n = 0; n < l.n; ++n) {
        const std::int64_t at = (n * l.c + c) * l.s;
        for (std::int64_t k = 0; k < l.s; ++k)
          dx[at + k] = static_cast<T>(scale * (g[at + k] - mean_g - (static_cast<double>(x[at + k]) - pm[c]) * slope));
      }
    }
  });
  return r;
}

}  // namespace

NormGrads batch_norm_backward(const Tensor& grad, const Tensor& input, const Tensor& mean, const Tensor& invstd,
                              const Tensor& weight, bool batch_stats, bool need_input, bool need_weight,
                              bool need_bias) {
  return batch_norm_backward_impl(grad, input, mean, invstd, weight, batch_stats, need_input, need_weight, need_bias,
                                  nullptr, 0.0);
}

NormGrads batch_norm_backward(const Tensor& grad, const Tensor& input, const Tensor& mean, const Tensor& invstd,
                              const Tensor& weight, bool need_input, bool need_weight, bool need_bias,
                              const ChannelSumsReducer& reduce, double count) {
  return batch_norm_backward_impl(grad, input, mean, invstd, weight, true, need_input, need_weight, need_bias, reduce,
                                  count);
}

LayerNormResult layer_norm(const Tensor& input_in, std::int64_t d, const Tensor& weight_in, const Tensor& bias_in,
                           double eps) {
  const Tensor input = contiguous(input_in);
  if (d < 1 || input.numel() % d != 0)
    throw ShapeError("layer_norm: cannot normalize groups of " + std::to_string(d) + " elements in an input of shape " +
                     to_string(input.shape()));
  const std::int64_t rows = input.numel() / d;
  LayerNormResult r{Tensor::empty(input.shape(), input.dtype()), Tensor::empty(Shape{rows}, input.dtype()),
                    Tensor::empty(Shape{rows}, input.dtype())};
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor keep_w, keep_b;
    const T* pw = optional_data<T>(weight_in, keep_w);
    const T* pb = optional_data<T>(bias_in, keep_b);
    const T* x = input.data<T>();
    T* y = r.output.data<T>();
    for (std::int64_t i = 0; i < rows; ++i) {
      const T* row = x + i * d;
      double sum = 0;
      for (std::int64_t k = 0; k < d; ++k) sum += row[k];
      const double mean = sum / static_cast<double>(d);
      double sq = 0;
      for (std::int64_t k = 0; k < d; ++k) sq += (row[k] - mean) * (row[k] - mean);
      const double s = 1.0 / std::sqrt(sq / static_cast<double>(d) + eps);
      r.mean.data<T>()[i] = static_cast<T>(mean);
      r.invstd.data<T>()[i] = static_cast<T>(s);
      for (std::int64_t k = 0; k < d; ++k) {
        const double xhat = (row[k] - mean) * s;
        y[i * d + k] = static_cast<T>(xhat * (pw ? pw[k] : 1.0) + (pb ? pb[k] : 0.0));
      }
    }
  });
  return r;
}

NormGrads layer_norm_backward(const Tensor& grad_in, const Tensor& input_in, const Tensor& mean_in,
                              const Tensor& invstd_in, const Tensor& weight, bool need_input, bool need_weight,
                              bool need_bias) {
  const Tensor grad = contiguous(grad_in), input = contiguous(input_in), mean = contiguous(mean_in),
               invstd = contiguous(invstd_in);
  const std::int64_t rows = mean.numel(), d = input.numel() / std::max<std::int64_t>(rows, 1);
  NormGrads r;
  if (need_input) r.input = Tensor::empty(input.shape(), input.dtype());
  std::vector<double> dw(need_weight ? static_cast<std::size_t>(d) : 0),
      db(need_bias ? static_cast<std::size_t>(d) : 0);
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor keep_w;
    const T* pw = optional_data<T>(weight, keep_w);
    const T *g = grad.data<T>(), *x = input.data<T>(), *pm = mean.data<T>(), *pi = invstd.data<T>();
    for (std::int64_t i = 0; i < rows; ++i) {
      const T *gr = g + i * d, *xr = x + i * d;
      const double m = pm[i], s = pi[i];
      double sum_d = 0, sum_dxhat = 0;  // d = g w
      for (std::int64_t k = 0; k < d; ++k) {
        const double xhat = (xr[k] - m) * s;
        const double dk = gr[k] * (pw ? pw[k] : 1.0);
        sum_d += dk;
        sum_dxhat += dk * xhat;
        if (need_weight) dw[k] += gr[k] * xhat;
        if (need_bias) db[k] += gr[k];
      }
      if (!need_input) continue;
      T* dx = r.input.data<T>() + i * d;
      const double mean_d = sum_d / static_cast<double>(d), mean_dxhat = sum_dxhat / static_cast<double>(d);
      for (std::int64_t k = 0; k < d; ++k) {
        const double xhat = (xr[k] - m) * s;
        dx[k] = static_cast<T>(s * (gr[k] * (pw ? pw[k] : 1.0) - mean_d - xhat * mean_dxhat));
      }
    }
  });
  auto to_tensor = [&](const std::vector<double>& v) {
    Tensor t = Tensor::empty(weight.defined() ? weight.shape() : Shape{d}, input.dtype());
    dispatch_floating(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* p = t.data<T>();
      for (std::int64_t k = 0; k < d; ++k) p[k] = static_cast<T>(v[static_cast<std::size_t>(k)]);
    });
    return t;
  };
  if (need_weight) r.weight = to_tensor(dw);
  if (need_bias) r.bias = to_tensor(db);
  return r;
}

Tensor inverse_std(const Tensor& var_in, double eps) {
  const Tensor var = contiguous(var_in);
  Tensor out = Tensor::empty(var.shape(), var.dtype());
  dispatch_floating(var.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pv = var.data<T>();
    T* po = out.data<T>();
    for (std::int64_t i = 0, n = var.numel(); i < n; ++i) po[i] = static_cast<T>(1.0 / std::sqrt(pv[i] + eps));
  });
  return out;
}

}  // namespace descent::kernels
