// Convolution as im2col + GEMM. The columns of the whole batch form one (C kh kw, N OH OW) matrix, so
// each pass is one product with long rows (kernels::gemm; at LeNet's sizes the in-place kernels, see
// blas.cpp) rather than one small product per image, whose call overhead would dominate. Why not a
// direct loop: on LeNet-5's layers at batch 64 (one thread, float32) a direct loop vectorized along
// the output row took 1.13 ms (conv1: 1 -> 6 channels, 5x5, padding 2, 28x28) and 4.05 ms (conv2:
// 6 -> 16, 5x5, 14x14) against 0.34 and 0.35 ms here: the product keeps its sums in registers
// across the whole shared dimension, the loop reads and writes every output once per weight. The
// price is the columns' memory (kh kw times the input) and a transpose of the (O, N OH OW) product
// into NCHW order, which also adds the bias.
#include "descent/tensor/kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

struct Geometry {
  std::int64_t n, c, h, w;  // input
  std::int64_t oh, ow;      // output plane
  Window2d win;
  std::int64_t rows() const { return c * win.kernel.h * win.kernel.w; }  // K of the GEMM
  std::int64_t plane() const { return oh * ow; }                         // L, output positions per image
  std::int64_t cols() const { return n * plane(); }                      // N L
};

Geometry geometry(const Shape& input, const Window2d& win, const char* what) {
  if (input.size() != 4)
    throw ShapeError(std::string(what) + ": expected an (N, C, H, W) input, got shape " + to_string(input));
  const Size2 out = window_output_size(input, win, what);
  return {input[0], input[1], input[2], input[3], out.h, out.w, win};
}

// Visits the columns in storage order, one block of OH x OW outputs at a time: for each row (c, i, j)
// (channel c, kernel tap (i, j)) and each image n, calls f(at, from, rows, cols) with `at` the block's
// offset in the columns, `rows` and `cols` the output rows and columns whose input lies inside the
// image (the rest is padding) and `from` the input offset of output (rows.lo, cols.lo) when both are
// non-empty. Walking the columns sequentially (images innermost) streams the large matrix, while the
// input planes stay in cache.
template <class F>
void for_each_column_block(const Geometry& g, F&& f) {
  const Window2d& win = g.win;
  const std::int64_t plane = g.h * g.w;
  std::int64_t at = 0;
  for (std::int64_t c = 0; c < g.c; ++c)
    for (std::int64_t i = 0; i < win.kernel.h; ++i)
      for (std::int64_t j = 0; j < win.kernel.w; ++j) {
        const std::int64_t off_h = i * win.dilation.h - win.padding.h, off_w = j * win.dilation.w - win.padding.w;
        const OutputRange rows = inside_outputs(off_h, win.stride.h, g.h, g.oh);
        const OutputRange cols = inside_outputs(off_w, win.stride.w, g.w, g.ow);
        const std::int64_t first = (rows.lo * win.stride.h + off_h) * g.w + cols.lo * win.stride.w + off_w;
        for (std::int64_t n = 0; n < g.n; ++n, at += g.plane()) f(at, (n * g.c + c) * plane + first, rows, cols);
      }
}

bool empty(OutputRange r) { return r.lo == r.hi; }

template <class T>
void im2col_typed(const T* x, T* out, const Geometry& g) {
  const std::int64_t sh = g.win.stride.h, sw = g.win.stride.w, ow = g.ow;
  for_each_column_block(g, [&](std::int64_t at, std::int64_t from, OutputRange rows, OutputRange cols) {
    T* block = out + at;
    if (empty(rows) || empty(cols)) {
      std::fill(block, block + g.plane(), T(0));
      return;
    }
    // zeros where the window reads padding: whole rows above and below, columns left and right
    std::fill(block, block + rows.lo * ow, T(0));
    std::fill(block + rows.hi * ow, block + g.plane(), T(0));
    if (cols.lo > 0 || cols.hi < ow)
      for (std::int64_t oh = rows.lo; oh < rows.hi; ++oh) {
        std::fill(block + oh * ow, block + oh * ow + cols.lo, T(0));
        std::fill(block + oh * ow + cols.hi, block + (oh + 1) * ow, T(0));
      }
    T* d = block + rows.lo * ow + cols.lo;
    const std::int64_t n_rows = rows.hi - rows.lo, len = cols.hi - cols.lo;
    if (sw == 1) {
      simd::copy_rows(n_rows, len, x + from, sh * g.w, d, ow);
      return;
    }
    for (std::int64_t r = 0; r < n_rows; ++r)
      for (std::int64_t k = 0; k < len; ++k) d[r * ow + k] = x[from + r * sh * g.w + k * sw];
  });
}

template <class T>
void col2im_typed(const T* in, T* x, const Geometry& g) {
  const std::int64_t sh = g.win.stride.h, sw = g.win.stride.w, ow = g.ow;
  std::fill(x, x + g.n * g.c * g.h * g.w, T(0));
  for_each_column_block(g, [&](std::int64_t at, std::int64_t to, OutputRange rows, OutputRange cols) {
    if (empty(rows) || empty(cols)) return;
    const T* s = in + at + rows.lo * ow + cols.lo;
    const std::int64_t n_rows = rows.hi - rows.lo, len = cols.hi - cols.lo;
    if (sw == 1) {
      simd::add_rows(n_rows, len, s, ow, x + to, sh * g.w);
      return;
    }
    for (std::int64_t r = 0; r < n_rows; ++r)
      for (std::int64_t k = 0; k < len; ++k) x[to + r * sh * g.w + k * sw] += s[r * ow + k];
  });
}

void require_same_dtype(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dtype() != b.dtype())
    throw ValueError(std::string("conv2d: ") + what + " is " + std::string(to_string(b.dtype())) +
                     " but the input is " + std::string(to_string(a.dtype())));
}

}  // namespace

Tensor im2col(const Tensor& input_in, const Window2d& window) {
  const Tensor input = contiguous(input_in);
  const Geometry g = geometry(input.shape(), window, "im2col");
  Tensor cols = Tensor::empty(Shape{g.rows(), g.cols()}, input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    im2col_typed(input.data<T>(), cols.data<T>(), g);
  });
  return cols;
}

Tensor col2im(const Tensor& cols_in, const Shape& input_shape, const Window2d& window) {
  const Tensor cols = contiguous(cols_in);
  const Geometry g = geometry(input_shape, window, "col2im");
  if (!(cols.shape() == Shape{g.rows(), g.cols()}))
    throw ShapeError("col2im: columns of shape " + to_string(cols.shape()) + " do not fit input " +
                     to_string(input_shape) + " (expected " + to_string(Shape{g.rows(), g.cols()}) + ")");
  Tensor x = Tensor::empty(input_shape, cols.dtype());
  dispatch_floating(cols.dtype(), [&](auto tag) {
    using T = decltype(tag);
    col2im_typed(cols.data<T>(), x.data<T>(), g);
  });
  return x;
}

Conv2dResult conv2d(const Tensor& input_in, const Tensor& weight_in, const Tensor& bias, Size2 stride, Size2 padding,
                    Size2 dilation) {
  if (weight_in.dim() != 4)
    throw ShapeError("conv2d: expected a weight of shape (out_channels, in_channels, kh, kw), got " +
                     to_string(weight_in.shape()));
  if (input_in.dim() != 4 || input_in.shape()[1] != weight_in.shape()[1])
    throw ShapeError("conv2d: input of shape " + to_string(input_in.shape()) + " does not fit weight " +
                     to_string(weight_in.shape()) + " (expected input (N, " + std::to_string(weight_in.shape()[1]) +
                     ", H, W))");
  require_same_dtype(input_in, weight_in, "the weight");
  const std::int64_t out_channels = weight_in.shape()[0];
  if (bias.defined()) {
    require_same_dtype(input_in, bias, "the bias");
    if (!(bias.shape() == Shape{out_channels}))
      throw ShapeError("conv2d: bias of shape " + to_string(bias.shape()) + " does not fit weight " +
                       to_string(weight_in.shape()) + " (expected [" + std::to_string(out_channels) + "])");
  }
  const Window2d win{{weight_in.shape()[2], weight_in.shape()[3]}, stride, padding, dilation};
  const Geometry g = geometry(input_in.shape(), win, "conv2d");
  Tensor cols = im2col(input_in, win);
  const Tensor weight = contiguous(weight_in).view_as_shape(Shape{out_channels, g.rows()});

  // (O, K) x (K, N L) -> (O, N L), then to (N, O, L) with the bias added.
  Tensor product = Tensor::empty(Shape{out_channels, g.cols()}, input_in.dtype());
  gemm(weight, false, cols, false, product, 1, 0);
  Tensor out = Tensor::empty(Shape{g.n, out_channels, g.oh, g.ow}, input_in.dtype());
  const Tensor b = bias.defined() ? contiguous(bias) : Tensor();
  dispatch_floating(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = product.data<T>();
    const T* pb = b.defined() ? b.data<T>() : nullptr;
    T* po = out.data<T>();
    const std::int64_t l = g.plane(), nl = g.cols();
    for (std::int64_t n = 0; n < g.n; ++n)
      for (std::int64_t o = 0; o < out_channels; ++o) {
        const T* src = p + o * nl + n * l;
        T* dst = po + (n * out_channels + o) * l;
        const T add = pb ? pb[o] : T(0);
        for (std::int64_t k = 0; k < l; ++k) dst[k] = src[k] + add;
      }
  });
  return {out, cols};
}

Conv2dGrads conv2d_backward(const Tensor& grad_in, const Tensor& cols, const Tensor& weight_in,
                            const Shape& input_shape, Size2 stride, Size2 padding, Size2 dilation, bool need_input,
                            bool need_weight, bool need_bias) {
  const Tensor grad = contiguous(grad_in);
  const std::int64_t out_channels = weight_in.shape()[0];
  const Window2d win{{weight_in.shape()[2], weight_in.shape()[3]}, stride, padding, dilation};
  const Geometry g = geometry(input_shape, win, "conv2d backward");
  Conv2dGrads out;

  // dY (N, O, L) -> (O, N L), the layout of the forward product; the bias's gradient sums it on the way.
  Tensor grad_t = Tensor::empty(Shape{out_channels, g.cols()}, grad.dtype());
  if (need_bias) out.bias = Tensor::empty(Shape{out_channels}, grad.dtype());
  dispatch_floating(grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = grad.data<T>();
    T* pt = grad_t.data<T>();
    T* pb = need_bias ? out.bias.template data<T>() : nullptr;
    const std::int64_t l = g.plane(), nl = g.cols();
    if (pb) std::fill(pb, pb + out_channels, T(0));
    for (std::int64_t n = 0; n < g.n; ++n)
      for (std::int64_t o = 0; o < out_channels; ++o) {
        const T* src = pg + (n * out_channels + o) * l;
        std::memcpy(pt + o * nl + n * l, src, static_cast<std::size_t>(l) * sizeof(T));
        if (pb) {
          // 16 running sums, not one: a single chain of dependent additions cannot vectorize
          T part[16] = {};
          std::int64_t k = 0;
          for (; k + 16 <= l; k += 16)
            for (int q = 0; q < 16; ++q) part[q] += src[k + q];
          for (; k < l; ++k) part[0] += src[k];
          T s = 0;
          for (T v : part) s += v;
          pb[o] += s;
        }
      }
  });

  const Tensor weight = contiguous(weight_in).view_as_shape(Shape{out_channels, g.rows()});
  if (need_weight) {
    // dW (O, K) = dY (O, N L) cols^T (N L, K)
    Tensor dw = Tensor::empty(Shape{out_channels, g.rows()}, grad.dtype());
    gemm(grad_t, false, cols, true, dw, 1, 0);
    out.weight = dw.view_as_shape(weight_in.shape());
  }
  if (need_input) {
    // dcols (K, N L) = W^T (K, O) dY (O, N L), summed back into the image by col2im.
    Tensor dcols = Tensor::empty(Shape{g.rows(), g.cols()}, grad.dtype());
    gemm(weight, true, grad_t, false, dcols, 1, 0);
    out.input = col2im(dcols, input_shape, win);
  }
  return out;
}

}  // namespace descent::kernels
