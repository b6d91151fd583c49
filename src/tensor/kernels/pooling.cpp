#include "descent/tensor/kernels/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

struct PoolGeometry {
  std::int64_t planes, h, w;  // (N C) planes of H x W
  Size2 out;
  Window2d win;
  Shape out_shape;
};

PoolGeometry pool_geometry(const Shape& input, const Window2d& win, const char* what) {
  if (input.size() != 3 && input.size() != 4)
    throw ShapeError(std::string(what) + ": expected an (N, C, H, W) or (C, H, W) input, got shape " +
                     to_string(input));
  // PyTorch's rule: padding beyond half the kernel would make windows that see only padding.
  if (win.padding.h > win.kernel.h / 2 || win.padding.w > win.kernel.w / 2)
    throw ValueError(std::string(what) + ": padding " + to_string(win.padding) +
                     " should be at most half of kernel_size " + to_string(win.kernel));
  PoolGeometry g{1, input[input.size() - 2], input[input.size() - 1], window_output_size(input, win, what), win, input};
  if (g.h * g.w > std::numeric_limits<std::int32_t>::max())
    throw ValueError(std::string(what) + ": planes of " + std::to_string(g.h) + " x " + std::to_string(g.w) +
                     " are too large (at most 2^31 - 1 elements)");
  for (int i = 0; i + 2 < input.size(); ++i) g.planes *= input[i];
  g.out_shape[input.size() - 2] = g.out.h;
  g.out_shape[input.size() - 1] = g.out.w;
  return g;
}

// Running maximum and its index along one output row for one kernel tap: src[k * stride] against
// best[k], for the k outputs whose tap lies inside the image. Stride 0: the run-time `stride`.
template <int Stride, class T>
void update_max(const T* src, T* best, std::int32_t* at, std::int32_t n, std::int32_t from, std::int32_t stride = 0) {
  const std::int32_t s = Stride > 0 ? Stride : stride;
  for (std::int32_t k = 0; k < n; ++k) {
    const T v = src[k * s];
    const bool take = (v > best[k]) | (v != v);  // strictly greater, or NaN
    best[k] = take ? v : best[k];
    at[k] = take ? from + k * s : at[k];
  }
}

// Max pooling one output row at a time, kernel tap by kernel tap: for each tap (i, j), one pass along
// the row updates every window's running maximum and its index. The inner loop has no bounds tests
// and no data-dependent branch (random data would mispredict one on every other element), so it
// vectorizes; indices are int32 there, the width of a float, and widened on output. Taps run in
// row-major window order and replace the maximum only when strictly greater (or NaN), so the first
// maximum wins ties, as in PyTorch; a window's index starts at its first in-image tap.
template <class T>
void max_pool_typed(const T* x, T* y, std::int64_t* idx, const PoolGeometry& g) {
  const Window2d& win = g.win;
  const std::int64_t ow_n = g.out.w, kw = win.kernel.w, sw = win.stride.w;
  std::vector<std::int32_t> at(static_cast<std::size_t>(ow_n));
  // Per column tap j: its offset from a window's left edge and the outputs for which it is inside the
  // image (the same for every row, so the divisions are done once); per output column, its first
  // in-image input column.
  std::vector<std::int64_t> col_offset(static_cast<std::size_t>(kw)), first_col(static_cast<std::size_t>(ow_n));
  std::vector<OutputRange> col_range(static_cast<std::size_t>(kw));
  for (std::int64_t j = 0; j < kw; ++j) {
    col_offset[j] = j * win.dilation.w - win.padding.w;
    col_range[j] = inside_outputs(col_offset[j], sw, g.w, ow_n);
  }
  for (std::int64_t ow = 0; ow < ow_n; ++ow) {
    std::int64_t iw = ow * sw - win.padding.w;
    while (iw < 0) iw += win.dilation.w;
    first_col[ow] = iw;
  }
  for (std::int64_t p = 0; p < g.planes; ++p) {
    const T* plane = x + p * g.h * g.w;
    for (std::int64_t oh = 0; oh < g.out.h; ++oh, y += ow_n, idx += ow_n) {
      const std::int64_t h0 = oh * win.stride.h - win.padding.h;
      std::int64_t first_row = h0;
      while (first_row < 0) first_row += win.dilation.h;
      std::fill(y, y + ow_n, -std::numeric_limits<T>::infinity());
      for (std::int64_t ow = 0; ow < ow_n; ++ow) at[ow] = static_cast<std::int32_t>(first_row * g.w + first_col[ow]);
      for (std::int64_t i = 0; i < win.kernel.h; ++i) {
        const std::int64_t ih = h0 + i * win.dilation.h;
        if (ih < 0 || ih >= g.h) continue;
        for (std::int64_t j = 0; j < kw; ++j) {
          const OutputRange r = col_range[j];
          const std::int64_t from = ih * g.w + col_offset[j] + r.lo * sw;
          const T* src = plane + from;
          T* b = y + r.lo;
          std::int32_t* a = at.data() + r.lo;
          const auto n = static_cast<std::int32_t>(r.hi - r.lo), from32 = static_cast<std::int32_t>(from);
          // Strides 1 and 2 as constants: the loads then vectorize as loads and shuffles, not one by one.
          if (sw == 1) update_max<1>(src, b, a, n, from32);
          else if (sw == 2) update_max<2>(src, b, a, n, from32);
          else update_max<0>(src, b, a, n, from32, static_cast<std::int32_t>(sw));
        }
      }
      for (std::int64_t ow = 0; ow < ow_n; ++ow) idx[ow] = at[ow];
    }
  }
}

// Calls f(plane, out_index, h_start, h_end, w_start, w_end, divisor) for each average-pooling window, the
// bounds clipped to the image, the divisor chosen as PyTorch's avg_pool2d does (padding counted or not).
template <class F>
void for_each_avg_window(const PoolGeometry& g, bool count_include_pad, F&& f) {
  const Window2d& win = g.win;
  std::int64_t at = 0;
  for (std::int64_t p = 0; p < g.planes; ++p)
    for (std::int64_t oh = 0; oh < g.out.h; ++oh) {
      std::int64_t h0 = oh * win.stride.h - win.padding.h;
      std::int64_t h1 = std::min(h0 + win.kernel.h, g.h + win.padding.h);
      const std::int64_t padded_h = h1 - h0;
      h0 = std::max<std::int64_t>(h0, 0);
      h1 = std::min(h1, g.h);
      for (std::int64_t ow = 0; ow < g.out.w; ++ow, ++at) {
        std::int64_t w0 = ow * win.stride.w - win.padding.w;
        std::int64_t w1 = std::min(w0 + win.kernel.w, g.w + win.padding.w);
        const std::int64_t padded_w = w1 - w0;
        w0 = std::max<std::int64_t>(w0, 0);
        w1 = std::min(w1, g.w);
        const std::int64_t divisor = count_include_pad ? padded_h * padded_w : (h1 - h0) * (w1 - w0);
        f(p, at, h0, h1, w0, w1, divisor);
      }
    }
}

void require_no_dilation(const Window2d& win, const char* what) {
  if (!(win.dilation == Size2(1))) throw ValueError(std::string(what) + ": dilation is not supported");
}

}  // namespace

MaxPool2dResult max_pool2d(const Tensor& input_in, const Window2d& window) {
  const Tensor input = contiguous(input_in);
  const PoolGeometry g = pool_geometry(input.shape(), window, "max_pool2d");
  MaxPool2dResult r{Tensor::empty(g.out_shape, input.dtype()), Tensor::empty(g.out_shape, Dtype::Int64)};
  const bool two_by_two = window.kernel == Size2(2) && window.stride == Size2(2) && window.padding == Size2(0) &&
                          window.dilation == Size2(1);
  if (two_by_two && input.dtype() == Dtype::Float32) {  // LeNet's pooling, vectorized by hand
    simd::max_pool_2x2(g.planes, g.h, g.w, g.out.h, g.out.w, input.data<float>(), r.output.data<float>(),
                       r.indices.data<std::int64_t>());
    return r;
  }
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    max_pool_typed(input.data<T>(), r.output.data<T>(), r.indices.data<std::int64_t>(), g);
  });
  return r;
}

Tensor max_pool2d_backward(const Tensor& grad_in, const Tensor& indices, const Shape& input_shape) {
  const Tensor grad = contiguous(grad_in);
  if (!(grad.shape() == indices.shape()) || indices.dtype() != Dtype::Int64)
    throw ShapeError("max_pool2d backward: gradient of shape " + to_string(grad.shape()) +
                     " does not match the int64 indices of shape " + to_string(indices.shape()));
  const std::int64_t plane_in = input_shape[input_shape.size() - 2] * input_shape[input_shape.size() - 1];
  const std::int64_t plane_out = grad.shape()[grad.dim() - 2] * grad.shape()[grad.dim() - 1];
  const std::int64_t planes = grad.numel() / std::max<std::int64_t>(plane_out, 1);
  Tensor dx = Tensor::empty(input_shape, grad.dtype());
  dispatch_floating(grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = grad.data<T>();
    const std::int64_t* pi = indices.data<std::int64_t>();
    T* px = dx.data<T>();
    std::fill(px, px + dx.numel(), T(0));
    for (std::int64_t p = 0; p < planes; ++p)
      for (std::int64_t k = 0; k < plane_out; ++k) px[p * plane_in + pi[p * plane_out + k]] += pg[p * plane_out + k];
  });
  return dx;
}

Tensor avg_pool2d(const Tensor& input_in, const Window2d& window, bool count_include_pad) {
  require_no_dilation(window, "avg_pool2d");
  const Tensor input = contiguous(input_in);
  const PoolGeometry g = pool_geometry(input.shape(), window, "avg_pool2d");
  Tensor out = Tensor::empty(g.out_shape, input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = input.data<T>();
    T* py = out.data<T>();
    for_each_avg_window(g, count_include_pad,
                        [&](std::int64_t p, std::int64_t at, std::int64_t h0, std::int64_t h1, std::int64_t w0,
                            std::int64_t w1, std::int64_t divisor) {
                          const T* plane = px + p * g.h * g.w;
                          T s = 0;
                          for (std::int64_t ih = h0; ih < h1; ++ih)
                            for (std::int64_t iw = w0; iw < w1; ++iw) s += plane[ih * g.w + iw];
                          py[at] = s / static_cast<T>(divisor);
                        });
  });
  return out;
}

Tensor avg_pool2d_backward(const Tensor& grad_in, const Shape& input_shape, const Window2d& window,
                           bool count_include_pad) {
  require_no_dilation(window, "avg_pool2d backward");
  const Tensor grad = contiguous(grad_in);
  const PoolGeometry g = pool_geometry(input_shape, window, "avg_pool2d backward");
  if (!(grad.shape() == g.out_shape))
    throw ShapeError("avg_pool2d backward: gradient of shape " + to_string(grad.shape()) + ", expected " +
                     to_string(g.out_shape));
  Tensor dx = Tensor::empty(input_shape, grad.dtype());
  dispatch_floating(grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = grad.data<T>();
    T* px = dx.data<T>();
    std::fill(px, px + dx.numel(), T(0));
    for_each_avg_window(g, count_include_pad,
                        [&](std::int64_t p, std::int64_t at, std::int64_t h0, std::int64_t h1, std::int64_t w0,
                            std::int64_t w1, std::int64_t divisor) {
                          T* plane = px + p * g.h * g.w;
                          const T share = pg[at] / static_cast<T>(divisor);
                          for (std::int64_t ih = h0; ih < h1; ++ih)
                            for (std::int64_t iw = w0; iw < w1; ++iw) plane[ih * g.w + iw] += share;
                        });
  });
  return dx;
}

}  // namespace descent::kernels
