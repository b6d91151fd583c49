// Convolution as im2col + GEMM, a few images at a time. The columns of a chunk of images form one
// (C kh kw, n OH OW) matrix, sized to stay in L2 (kChunkBytes), so each product still has long rows
// while the columns, kh kw times the input, never travel to memory. Columns of the whole batch (5 MB
// for LeNet-5's first layer at batch 64) were written, read by the forward product and read again by
// the weight's gradient from memory; backward now rebuilds each chunk's columns from the input,
// which costs less than that traffic and frees the memory they held between forward and backward.
// Chunks are spread over the pool's threads; each thread sums its own weight gradient, added up at the end.
// Where a direct loop wins instead: a naive one (the output read and written once per weight) lost
// to this on LeNet-5's layers; one that keeps its sums in registers across every kernel tap
// (conv_direct.cpp) wins the forward on wide rows with few channels times taps (LeNet-5's first layer),
// and lost the weight's gradient everywhere once the columns at stride 1 were read in place (below).
// conv_direct.cpp holds the measurements and the rule (use_direct below).
#include "descent/tensor/kernels/conv.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "conv_direct.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/parallel.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

struct ConvGeometry {
  std::int64_t n, c, h, w;  // input
  std::int64_t oh, ow;      // output plane
  Window2d win;
  std::int64_t rows() const { return c * win.kernel.h * win.kernel.w; }  // K of the GEMM
  std::int64_t plane() const { return oh * ow; }                         // L, output positions per image
  std::int64_t cols() const { return n * plane(); }                      // N L
};

ConvGeometry conv_geometry(const Shape& input, const Window2d& win, const char* what) {
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
void for_each_column_block(const ConvGeometry& g, F&& f) {
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
void im2col_typed(const T* x, T* out, const ConvGeometry& g) {
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
void col2im_typed(const T* in, T* x, const ConvGeometry& g) {
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

// Whether the products read im2col's columns in place, from shifted planes (below): stride 1, dilation 1.
bool reads_columns_in_place(const Window2d& win) {
  return win.stride.h == 1 && win.stride.w == 1 && win.dilation.h == 1 && win.dilation.w == 1;
}

// The implicit im2col of the forward at stride 1, dilation 1. Column row (c, i, j) of an image is
// input channel c read at rows r + i and columns q + j (less the padding) for each output (r, q): for a
// fixed (c, j) these are the rows i .. i + OH - 1 of one plane, OH + KH - 1 rows of OW columns shifted
// by j. So the image's KW shifted copies of each channel (`planes`) hold every column row, and row
// (c, i, j) starts at plane (c, j) + i OW: gemm_xn_rows reads them in place. For LeNet-5's second layer
// that is 420 row copies an image instead of im2col's 1,500, and the same products in the same order.
struct ShiftedPlanes {
  std::int64_t rows, cols;  // of one plane: OH + KH - 1, OW
  std::int64_t size() const { return rows * cols; }
};

ShiftedPlanes shifted_planes(const ConvGeometry& g) { return {g.oh + g.win.kernel.h - 1, g.ow}; }

// The row pointers of the column matrix, (c, i, j) in im2col's order, into `planes`.
template <class T>
void plane_rows(const ConvGeometry& g, const T* planes, std::vector<const T*>& rows) {
  const ShiftedPlanes sp = shifted_planes(g);
  rows.clear();
  for (std::int64_t c = 0; c < g.c; ++c)
    for (std::int64_t i = 0; i < g.win.kernel.h; ++i)
      for (std::int64_t j = 0; j < g.win.kernel.w; ++j)
        rows.push_back(planes + (c * g.win.kernel.w + j) * sp.size() + i * sp.cols);
}

// One image's shifted planes from its input x (C, H, W). Only the parts inside the image are written:
// the padding's zeros, the same for every image, are set once by the caller.
template <class T>
void fill_planes(const ConvGeometry& g, const T* x, T* planes) {
  const ShiftedPlanes sp = shifted_planes(g);
  const std::int64_t ph = g.win.padding.h, pw = g.win.padding.w;
  const std::int64_t t_lo = std::min(ph, sp.rows), t_hi = std::clamp<std::int64_t>(g.h + ph, t_lo, sp.rows);
  for (std::int64_t c = 0; c < g.c; ++c)
    for (std::int64_t j = 0; j < g.win.kernel.w; ++j) {
      const std::int64_t q_lo = std::clamp<std::int64_t>(pw - j, 0, sp.cols);
      const std::int64_t q_hi = std::clamp<std::int64_t>(g.w + pw - j, q_lo, sp.cols);
      if (t_lo == t_hi || q_lo == q_hi) continue;
      T* plane = planes + (c * g.win.kernel.w + j) * sp.size();
      simd::copy_rows(t_hi - t_lo, q_hi - q_lo, x + (c * g.h + t_lo - ph) * g.w + q_lo + j - pw, g.w,
                      plane + t_lo * sp.cols + q_lo, sp.cols);
    }
}

// col2im at stride 1, dilation 1, through the same planes: for each image and (c, j), the column rows
// (c, i, j) are added into one zeroed plane at rows i onwards (whole runs of OH OW elements), and the
// plane is added into the input's gradient once, shifted by j. LeNet-5's second layer: 420 short row
// sums an image instead of col2im's 1,500. `plane` holds one plane.
template <class T>
void col2im_shifted(const T* in, T* x, const ConvGeometry& g, T* plane) {
  const ShiftedPlanes sp = shifted_planes(g);
  const std::int64_t ph = g.win.padding.h, pw = g.win.padding.w, kh = g.win.kernel.h, kw = g.win.kernel.w;
  const std::int64_t l = g.plane(), nl = g.cols();
  const std::int64_t t_lo = std::min(ph, sp.rows), t_hi = std::clamp<std::int64_t>(g.h + ph, t_lo, sp.rows);
  std::fill(x, x + g.n * g.c * g.h * g.w, T(0));
  if (t_lo == t_hi) return;  // every window lies in the padding
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t j = 0; j < kw; ++j) {
        const std::int64_t q_lo = std::clamp<std::int64_t>(pw - j, 0, sp.cols);
        const std::int64_t q_hi = std::clamp<std::int64_t>(g.w + pw - j, q_lo, sp.cols);
        if (q_lo == q_hi) continue;  // this tap column reads only padding
        std::fill(plane, plane + sp.size(), T(0));
        for (std::int64_t i = 0; i < kh; ++i)
          simd::add_rows(1, l, in + ((c * kh + i) * kw + j) * nl + n * l, 0, plane + i * sp.cols, 0);
        simd::add_rows(t_hi - t_lo, q_hi - q_lo, plane + t_lo * sp.cols + q_lo, sp.cols,
                       x + ((n * g.c + c) * g.h + t_lo - ph) * g.w + q_lo + j - pw, g.w);
      }
}

void require_same_dtype(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dtype() != b.dtype())
    throw ValueError(std::string("conv2d: ") + what + " is " + std::string(to_string(b.dtype())) +
                     " but the input is " + std::string(to_string(a.dtype())));
}

}  // namespace

Tensor im2col(const Tensor& input_in, const Window2d& window) {
  const Tensor input = contiguous(input_in);
  const ConvGeometry g = conv_geometry(input.shape(), window, "im2col");
  Tensor cols = Tensor::empty(Shape{g.rows(), g.cols()}, input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    im2col_typed(input.data<T>(), cols.data<T>(), g);
  });
  return cols;
}

Tensor col2im(const Tensor& cols_in, const Shape& input_shape, const Window2d& window) {
  const Tensor cols = contiguous(cols_in);
  const ConvGeometry g = conv_geometry(input_shape, window, "col2im");
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

namespace {

// Columns of one chunk: at most this many bytes (at least one image). A chunk's columns, its product
// and the weight stay in a core's L2 cache.
constexpr std::size_t kChunkBytes = std::size_t{256} << 10;
// Below this many multiply-adds per pass, starting threads costs more than it saves.
constexpr std::int64_t kConvParallelWork = std::int64_t{1} << 20;

// How a batch is cut: `per` images a chunk, `chunks` chunks, `threads` workers each taking a run of
// consecutive chunks.
struct Plan {
  std::int64_t per, chunks;
  int threads;
};

Plan plan(const ConvGeometry& g, std::size_t itemsize, std::int64_t out_channels) {
  const std::size_t image_cols =
      static_cast<std::size_t>(std::max<std::int64_t>(g.rows() * g.plane(), 1)) * itemsize;  // one image's columns
  std::int64_t per =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(kChunkBytes / image_cols), 1, std::max<std::int64_t>(g.n, 1));
  const bool parallel = out_channels * g.rows() * g.cols() >= kConvParallelWork;
  const int threads = parallel ? static_cast<int>(std::min<std::int64_t>(std::max(get_num_threads(), 1), g.n)) : 1;
  if (threads > 1) per = std::min(per, (g.n + threads - 1) / threads);  // a chunk for every thread
  const std::int64_t chunks = (g.n + per - 1) / per;
  return {per, chunks, static_cast<int>(std::min<std::int64_t>(threads, chunks))};
}

// Calls work(t, first_chunk, end_chunk) for each thread t of the pool, the calling thread taking t = 0.
template <class Work>
void run_threads(const Plan& p, Work&& work) {
  const std::int64_t share = (p.chunks + p.threads - 1) / p.threads;
  parallel_run(p.threads, [&](int t) {
    if (t * share < p.chunks) work(t, t * share, std::min(p.chunks, (t + 1) * share));
  });
}

// Whether to run the direct kernels (conv_direct.cpp) rather than im2col + GEMM.
bool use_direct(ConvAlgorithm algorithm, const Shape& input, const Window2d& win, bool forward) {
  switch (algorithm) {
    case ConvAlgorithm::Im2col: return false;
    case ConvAlgorithm::Auto: return forward && direct_forward_wins(input, win);
    case ConvAlgorithm::Direct: break;
  }
  if (!direct_conv_supported(win))
    throw ValueError("conv2d: the direct algorithm needs stride 1, got stride " + to_string(win.stride));
  return true;
}

// The geometry of images [first, first + count) of the batch.
ConvGeometry chunk_of(const ConvGeometry& g, std::int64_t first, std::int64_t count) {
  ConvGeometry c = g;
  c.n = std::min(count, g.n - first);
  return c;
}

// The forward at stride 1, dilation 1: per image, its shifted planes, then out (O, L) = W (O, K) times
// the column rows read in place, then the bias added, as the im2col path adds it (x + 0 without one).
void implicit_forward(const ConvGeometry& g, const Tensor& input, const Tensor& weight, const Tensor& b, const Plan& p,
                      Tensor& out) {
  const std::int64_t out_channels = weight.shape()[0], k = g.rows(), l = g.plane(), image = g.c * g.h * g.w;
  const std::int64_t plane_elements = g.c * g.win.kernel.w * shifted_planes(g).size();
  // Scratch made here, on the calling thread: the workers allocate nothing. zeros: the padding's.
  std::vector<Tensor> planes(static_cast<std::size_t>(p.threads));
  for (Tensor& t : planes) t = zeros(Shape{plane_elements}, input.dtype());
  dispatch_floating(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* x = input.data<T>();
    const T* w = weight.data<T>();
    const T* pb = b.defined() ? b.data<T>() : nullptr;
    T* po = out.data<T>();
    std::vector<std::vector<const T*>> rows(planes.size());
    for (std::size_t t = 0; t < planes.size(); ++t) plane_rows(g, planes[t].data<T>(), rows[t]);
    run_threads(p, [&](int t, std::int64_t first, std::int64_t end) {
      T* pl = planes[static_cast<std::size_t>(t)].data<T>();
      const T* const* r = rows[static_cast<std::size_t>(t)].data();
      for (std::int64_t n = first * p.per; n < std::min(end * p.per, g.n); ++n) {
        fill_planes(g, x + n * image, pl);
        T* on = po + n * out_channels * l;
        simd::gemm_xn_rows<T>(out_channels, l, k, T(1), w, k, r, T(0), on, l);
        for (std::int64_t o = 0; o < out_channels; ++o) {
          const T add = pb ? pb[o] : T(0);
          for (std::int64_t q = 0; q < l; ++q) on[o * l + q] = on[o * l + q] + add;
        }
      }
    });
  });
}

}  // namespace

Tensor conv2d(const Tensor& input_in, const Tensor& weight_in, const Tensor& bias, Size2 stride, Size2 padding,
              Size2 dilation, ConvAlgorithm algorithm) {
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
  const ConvGeometry g = conv_geometry(input_in.shape(), win, "conv2d");
  const Tensor input = contiguous(input_in);
  const Tensor weight = contiguous(weight_in);
  const Tensor b = bias.defined() ? contiguous(bias) : Tensor();
  Tensor out = Tensor::empty(Shape{g.n, out_channels, g.oh, g.ow}, input.dtype());
  if (g.n == 0 || g.plane() == 0) return out;
  if (use_direct(algorithm, input.shape(), win, true)) {
    conv2d_direct(input, weight, b, win, out);
    return out;
  }
  const Plan p = plan(g, itemsize(input.dtype()), out_channels);
  if (reads_columns_in_place(win)) {
    implicit_forward(g, input, weight, b, p, out);
    return out;
  }
  const std::int64_t k = g.rows(), l = g.plane(), image = g.c * g.h * g.w;
  // Scratch made here, on the calling thread: the workers allocate nothing.
  std::vector<Tensor> cols(static_cast<std::size_t>(p.threads)), product(cols.size());
  for (std::size_t t = 0; t < cols.size(); ++t) {
    cols[t] = Tensor::empty(Shape{k, p.per * l}, input.dtype());
    product[t] = Tensor::empty(Shape{out_channels, p.per * l}, input.dtype());
  }
  dispatch_floating(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* x = input.data<T>();
    const T* w = weight.data<T>();
    const T* pb = b.defined() ? b.data<T>() : nullptr;
    T* po = out.data<T>();
    run_threads(p, [&](int t, std::int64_t first, std::int64_t end) {
      T* pc = cols[static_cast<std::size_t>(t)].data<T>();
      T* pp = product[static_cast<std::size_t>(t)].data<T>();
      for (std::int64_t chunk = first; chunk < end; ++chunk) {
        const ConvGeometry c = chunk_of(g, chunk * p.per, p.per);
        const std::int64_t nl = c.cols(), n0 = chunk * p.per;
        im2col_typed(x + n0 * image, pc, c);
        // (O, K) x (K, n L) -> (O, n L), then to (n, O, L) with the bias added.
        simd::gemm_xn<T>(false, out_channels, nl, k, T(1), w, k, pc, nl, T(0), pp, nl);
        for (std::int64_t n = 0; n < c.n; ++n)
          for (std::int64_t o = 0; o < out_channels; ++o) {
            const T* src = pp + o * nl + n * l;
            T* dst = po + ((n0 + n) * out_channels + o) * l;
            const T add = pb ? pb[o] : T(0);
            for (std::int64_t q = 0; q < l; ++q) dst[q] = src[q] + add;
          }
      }
    });
  });
  return out;
}

Conv2dGrads conv2d_backward(const Tensor& grad_in, const Tensor& input_in, const Tensor& weight_in, Size2 stride,
                            Size2 padding, Size2 dilation, bool need_input, bool need_weight, bool need_bias,
                            ConvAlgorithm algorithm) {
  const Tensor grad = contiguous(grad_in);
  const Tensor input = contiguous(input_in);
  const Tensor weight = contiguous(weight_in);
  const std::int64_t out_channels = weight.shape()[0];
  const Window2d win{{weight.shape()[2], weight.shape()[3]}, stride, padding, dilation};
  const ConvGeometry g = conv_geometry(input.shape(), win, "conv2d backward");
  if (!(grad.shape() == Shape{g.n, out_channels, g.oh, g.ow}))
    throw ShapeError("conv2d backward: gradient of shape " + to_string(grad.shape()) + " does not fit the output " +
                     to_string(Shape{g.n, out_channels, g.oh, g.ow}));
  const std::int64_t k = g.rows(), l = g.plane(), image = g.c * g.h * g.w;
  const Dtype dtype = grad.dtype();
  Conv2dGrads out;
  if (need_input) out.input = Tensor::empty(input.shape(), dtype);
  if (need_weight) out.weight = zeros(weight.shape(), dtype);
  if (need_bias) out.bias = zeros(Shape{out_channels}, dtype);
  if (g.n == 0 || l == 0) {
    if (need_input) fill_(out.input, 0.0);
    return out;
  }
  if ((need_weight || need_bias) && use_direct(algorithm, input.shape(), win, false)) {
    conv2d_direct_weight(grad, input, win, out.weight, out.bias);
    if (!need_input) return out;
    need_weight = need_bias = false;  // the input's gradient stays im2col's
  }
  const Plan p = plan(g, itemsize(dtype), out_channels);
  // Per thread: columns (also the input's column gradient, once the weight's gradient has used them),
  // the chunk's output gradient in product layout, and, beyond the first thread, partial sums.
  // At stride 1, dilation 1, no columns for the weight's gradient: each image's shifted planes (zeros
  // in the padding, set once), and one plane for the input's gradient (col2im_shifted).
  const bool shifted = reads_columns_in_place(win);
  // dY in the forward product's layout, (O, n L): read by the input's gradient and by the weight's
  // when it uses written columns.
  const bool transposed_grad = need_input || (need_weight && !shifted);
  std::vector<Tensor> cols(static_cast<std::size_t>(p.threads)), grad_t(cols.size()), dw(cols.size()), db(cols.size()),
      planes(cols.size()), image_planes(cols.size()), dw_t(cols.size());
  for (std::size_t t = 0; t < cols.size(); ++t) {
    if (need_input || (need_weight && !shifted)) cols[t] = Tensor::empty(Shape{k, p.per * l}, dtype);
    if (need_input && shifted) planes[t] = Tensor::empty(Shape{shifted_planes(g).size()}, dtype);
    if (need_weight && shifted) {
      image_planes[t] = zeros(Shape{g.c * g.win.kernel.w * shifted_planes(g).size()}, dtype);
      dw_t[t] = zeros(Shape{k, out_channels}, dtype);
    }
    if (transposed_grad) grad_t[t] = Tensor::empty(Shape{out_channels, p.per * l}, dtype);
    if (need_weight) dw[t] = t == 0 ? out.weight : zeros(weight.shape(), dtype);
    if (need_bias) db[t] = t == 0 ? out.bias : zeros(Shape{out_channels}, dtype);
  }
  dispatch_floating(dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pg = grad.data<T>();
    const T* x = input.data<T>();
    const T* w = weight.data<T>();
    T* dx = need_input ? out.input.data<T>() : nullptr;
    std::vector<std::vector<const T*>> rows(image_planes.size());
    for (std::size_t t = 0; t < rows.size(); ++t)
      if (image_planes[t].defined()) plane_rows(g, image_planes[t].data<T>(), rows[t]);
    run_threads(p, [&](int t, std::int64_t first, std::int64_t end) {
      const std::size_t ts = static_cast<std::size_t>(t);
      T* pc = cols[ts].defined() ? cols[ts].data<T>() : nullptr;
      T* pt = transposed_grad ? grad_t[ts].data<T>() : nullptr;
      T* pw = need_weight ? dw[ts].data<T>() : nullptr;
      T* pb = need_bias ? db[ts].data<T>() : nullptr;
      for (std::int64_t chunk = first; chunk < end; ++chunk) {
        const ConvGeometry c = chunk_of(g, chunk * p.per, p.per);
        const std::int64_t nl = c.cols(), n0 = chunk * p.per;
        // dY (n, O, L) -> (O, n L) where read; the bias's gradient sums it on the way.
        for (std::int64_t n = 0; n < c.n; ++n)
          for (std::int64_t o = 0; o < out_channels; ++o) {
            const T* src = pg + ((n0 + n) * out_channels + o) * l;
            if (pt) std::memcpy(pt + o * nl + n * l, src, static_cast<std::size_t>(l) * sizeof(T));
            if (pb) {
              // 16 running sums, not one: a single chain of dependent additions cannot vectorize
              T part[16] = {};
              std::int64_t q = 0;
              for (; q + 16 <= l; q += 16)
                for (int r = 0; r < 16; ++r) part[r] += src[q + r];
              for (; q < l; ++q) part[0] += src[q];
              T sum = 0;
              for (T v : part) sum += v;
              pb[o] += sum;
            }
          }
        if (pw && shifted) {
          // dW^T (K, O) += cols (K, L) dY^T (L, O) image by image, the column rows read from its planes:
          // K rows of A fill the kernel's 5-row register blocks (O = 6 or 16 would leave a row over).
          T* planes_t = image_planes[ts].data<T>();
          T* pwt = dw_t[ts].data<T>();
          for (std::int64_t n = n0; n < n0 + c.n; ++n) {
            fill_planes(g, x + n * image, planes_t);
            simd::gemm_nt_rows<T>(k, out_channels, l, T(1), rows[ts].data(), pg + n * out_channels * l, l, T(1), pwt,
                                  out_channels);
          }
        } else if (pw) {
          // dW (O, K) += dY (O, n L) cols^T (n L, K)
          im2col_typed(x + n0 * image, pc, c);
          simd::gemm_nt<T>(out_channels, k, nl, T(1), pt, nl, pc, nl, T(1), pw, k);
        }
        if (dx) {
          // dcols (K, n L) = W^T (K, O) dY (O, n L), summed back into the images by col2im.
          simd::gemm_xn<T>(true, k, nl, out_channels, T(1), w, k, pt, nl, T(0), pc, nl);
          if (shifted) col2im_shifted(pc, dx + n0 * image, c, planes[ts].data<T>());
          else col2im_typed(pc, dx + n0 * image, c);
        }
      }
      // This thread's dW^T into its dW, a transposed copy (dW starts at zero): the sums stay as they were.
      if (pw && shifted) {
        const T* pwt = dw_t[ts].data<T>();
        for (std::int64_t o = 0; o < out_channels; ++o)
          for (std::int64_t q = 0; q < k; ++q) pw[o * k + q] += pwt[q * out_channels + o];
      }
    });
  });
  // The other threads' partial sums, in thread order.
  for (std::size_t t = 1; t < cols.size(); ++t) {
    if (need_weight) add_(out.weight, dw[t]);
    if (need_bias) add_(out.bias, db[t]);
  }
  return out;
}

}  // namespace descent::kernels
