#include "descent/tensor/kernels/blas.hpp"

#include <cblas.h>

#ifdef DESCENT_WITH_DNNL
#include <dnnl.h>
#include <omp.h>
#endif

#include <algorithm>
#include <numeric>
#include <vector>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/optimizer_steps.hpp"
#include "descent/tensor/kernels/parallel.hpp"
#include "onednn_matmul.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

// How a 2-d tensor is handed to row-major BLAS: its pointer, whether it is stored transposed
// (a transpose() view), and its leading dimension. Other layouts are copied first.
// Which products run in descent's in-place kernels (simd.hpp) rather than OpenBLAS. The in-place
// kernels use AVX-512 where the CPU has it; OpenBLAS here runs its Haswell (AVX2) kernels
// (OPENBLAS_CORETYPE) and packs both operands on every call. Measured on one thread (float32,
// m x n x k, OpenBLAS against in place, GFLOPS): LeNet's fully connected products 64x120x400,
// 120x400x64 (dW), 64x400x120 (dX) 105/147, 117/180, 113/177; 128x512x784 114/141; 512x784x128 (dW)
// 120/157; 256x1024x1024 116/133; but 1024x1024x256 (dW, axpy form) 121/69: the axpy form passes
// over C once per 16 rows of B, and a C of 4 MB no longer stays in cache; likewise 256x1024x1024
// in the axpy form (an MLP's input gradient, B of 4 MB streamed once per block of rows of A) ran at
// 52 GFLOPS in place against OpenBLAS's 90. Below kSmallGemmWork multiply-adds every form runs in
// place, up to kInPlaceWork when C and B stay in cache (axpy form).
// OpenBLAS's own threads also spin after each call, taking the core that descent's threads need.
constexpr std::int64_t kSmallGemmWork = std::int64_t{1} << 21;
constexpr std::int64_t kInPlaceWork = std::int64_t{1} << 28;
constexpr std::size_t kAxpyFormOutput = std::size_t{2} << 20;  // bytes of C

// Skinny products, where one side of the output or the shared dimension is at most kSkinny, also run
// in place: OpenBLAS packs the large operand for little reuse. Convolution over a whole batch gives
// products of this kind (im2col at LeNet-5's sizes, batch 64, one thread, AVX-512): OpenBLAS 0.26 / 0.57 / 0.33 /
// 0.43 / 0.31 ms against 0.27 / 0.17 / 0.26 / 0.27 / 0.18 ms in place for the products 6x25x50176
// (conv1 forward), 6x50176x25 (conv1 weight gradient, dot form), 16x150x6400, 16x6400x150 and
// 150x16x6400 (conv2). The in-place kernels vectorize along n (axpy form) or k (dot form), which
// must then be long enough to fill vectors.
constexpr std::int64_t kSkinny = 16, kLongEnough = 64;
constexpr std::int64_t kDotSlice = 512;
// Operands that fit in L2 together are not sliced: each slice adds a horizontal sum per output
// element and a second pass over C (W1's 10 x 784 x 30 product: 3.4 us sliced, 2.9 us whole).
constexpr std::size_t kL2Budget = std::size_t{512} << 10;
// The rows of C the axpy form takes at a time. Each vector strip of C is walked down every row, and where
// a row is a multiple of 4 KB long every row's strip falls in the same set of L1's (64 sets of 64-byte
// lines): past its 12 ways each write evicts the row before. dX = G W of a 10-class output layer, 256 x
// 1024 x 10, ran at 60 to 66 GFLOP/s whole and at 150 to 161 in blocks of 16 rows (8: 140; 24: 142; AMD
// EPYC Zen 5, one thread); 256 x 1000 x 10, whose rows spread over the sets, at 185 whole and 150 in
// blocks. Rows of 2 KB meet their set every other row: blocks of 32, and so on.
std::int64_t xn_rows(std::int64_t m, std::int64_t ldc, std::size_t item) {
  const auto row_bytes = static_cast<std::int64_t>(static_cast<std::size_t>(ldc) * item);
  const std::int64_t period = 4096 / std::gcd(row_bytes, std::int64_t{4096});  // rows until the set recurs
  return std::min(m, 16 * period);
}
bool skinny(std::int64_t m, std::int64_t n, std::int64_t k, bool dot_form) {
  return dot_form ? std::min(m, n) <= kSkinny && k >= kLongEnough : std::min(m, k) <= kSkinny && n >= kLongEnough;
}

// The operand as it lies (the caller's tensor, which outlives the product: no reference counted per
// call) or, for another layout, a contiguous copy held here.
struct BlasOperand {
  const Tensor* given = nullptr;
  Tensor copy;
  bool transposed = false;
  int ld = 1;
  const Tensor& tensor() const { return copy.defined() ? copy : *given; }
};

BlasOperand blas_operand(const Tensor& t) {
  const std::int64_t rows = t.shape()[0], cols = t.shape()[1];
  const std::int64_t s0 = t.strides()[0], s1 = t.strides()[1];
  if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= cols))
    return {&t, Tensor(), false,
            static_cast<int>(rows == 1 ? std::max<std::int64_t>(cols, 1) : std::max<std::int64_t>(s0, 1))};
  if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= rows))
    return {&t, Tensor(), true,
            static_cast<int>(cols == 1 ? std::max<std::int64_t>(rows, 1) : std::max<std::int64_t>(s1, 1))};
  return {&t, contiguous(t), false, static_cast<int>(std::max<std::int64_t>(cols, 1))};
}

// The in-place kernels over several threads (the count --threads gives OpenBLAS, which these products
// bypass): the output cut into contiguous blocks of columns, or of rows when it has more rows than
// columns, one block per thread of the pool (parallel.hpp), the calling thread taking the first.
// Every element is still one thread's whole sum, in the kernel's own order. Below kMatmulParallelWork
// multiply-adds, waking threads costs more than it saves.
constexpr std::int64_t kMatmulParallelWork = std::int64_t{1} << 20;

template <class Run>  // run(lo, hi) computes the block [lo, hi)
void in_blocks(std::int64_t count, std::int64_t align, int threads, Run&& run) {
  const std::int64_t per = ((count + threads - 1) / threads + align - 1) / align * align;
  const int blocks = static_cast<int>((count + per - 1) / per);
  parallel_run(blocks, [&](int t) { run(t * per, std::min(count, (t + 1) * per)); });
}

// The message is built only on failure: these checks sit on the training hot path.
template <class Message>
void require(bool ok, Message&& message) {
  if (!ok) throw ShapeError(message());
}

#ifdef DESCENT_WITH_DNNL
constexpr bool kOneDnn = true;
#else
constexpr bool kOneDnn = false;
#endif
// Above this many multiply-adds oneDNN takes a float32 product that descent's kernels would run: the
// MLP's (2 to 3e8) ran 1.4 times faster there. Below, its OpenMP threads, spinning after each call,
// took the core descent's own threads needed: LeNet-5's fully connected products (3e6) went to oneDNN
// and its 2-thread epoch fell from 24,600 to 13,700 samples/s.
constexpr std::int64_t kOneDnnWork = std::int64_t{1} << 24;

#ifdef DESCENT_WITH_DNNL
// oneDNN's sgemm for the float32 products that leave descent's kernels without transposes (the others
// go to its matmul primitive, onednn_matmul.cpp, faster there). Its JIT picks the CPU's widest
// kernels (AVX-512 here), where OpenBLAS runs the ones OPENBLAS_CORETYPE names (Haswell's AVX2 on the
// machines descent is measured on). One thread, GFLOP/s, oneDNN 2.6 against OpenBLAS 0.3.21 (Haswell
// kernels), AMD EPYC (Zen 5): 256x1024x784 (X W1^T) 187 / 104; 256x1024x1024 181 / 103, and without
// transposes 197 / 105; 1024x1024x256 (G^T H) 216 / 108; 1024x784x256 188 / 109. Two threads: 255 to
// 394 against 174 to 196. It runs on OpenMP's threads, told descent's count at each call (a cheap
// setting of the calling thread's own count). False, computing nothing, if oneDNN refuses the call.
bool onednn_sgemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
                  int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  omp_set_num_threads(std::max(get_num_threads(), 1));
  return dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == dnnl_success;
}
#endif

}  // namespace

namespace {

// How gemm runs one product: its operands as BLAS takes them, and whether descent's kernels take it.
struct GemmRoute {
  BlasOperand a, b;
  CBLAS_TRANSPOSE ta = CblasNoTrans, tb = CblasNoTrans;
  std::int64_t m = 0, n = 0, k = 0;
  int ldc = 1;
  bool in_place = false;
};

GemmRoute route_gemm(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, const Tensor& c) {
  require(a.dim() == 2 && b.dim() == 2 && c.dim() == 2, [&] { return std::string("gemm needs 2-d operands"); });
  require(a.dtype() == b.dtype() && a.dtype() == c.dtype(),
          [&] { return std::string("gemm: operands differ in dtype"); });
  require(c.is_contiguous(), [&] { return std::string("gemm: output must be contiguous"); });
  GemmRoute r;
  r.m = trans_a ? a.shape()[1] : a.shape()[0];
  r.k = trans_a ? a.shape()[0] : a.shape()[1];
  const std::int64_t kb = trans_b ? b.shape()[1] : b.shape()[0];
  r.n = trans_b ? b.shape()[0] : b.shape()[1];
  const std::int64_t m = r.m, n = r.n, k = r.k;
  require(k == kb && c.shape()[0] == m && c.shape()[1] == n, [&] {
    return std::string("matmul: cannot multiply " + to_string(a.shape()) + (trans_a ? "^T" : "") + " by " +
                       to_string(b.shape()) + (trans_b ? "^T" : "") + " into " + to_string(c.shape()));
  });
  if (m == 0 || n == 0) return r;
  r.a = blas_operand(a);
  r.b = blas_operand(b);
  r.ta = (trans_a != r.a.transposed) ? CblasTrans : CblasNoTrans;
  r.tb = (trans_b != r.b.transposed) ? CblasTrans : CblasNoTrans;
  r.ldc = static_cast<int>(std::max<std::int64_t>(n, 1));
  const bool dot_form = r.tb == CblasTrans;
  const bool c_in_cache = static_cast<std::size_t>(m * n) * itemsize(c.dtype()) <= kAxpyFormOutput;
  const bool b_in_cache = static_cast<std::size_t>(k * n) * itemsize(c.dtype()) <= kAxpyFormOutput;
  // With oneDNN, the large float32 products of either form are its (faster than descent's own there).
  const bool onednn = kOneDnn && a.dtype() == Dtype::Float32 && m * n * k > kOneDnnWork;
  r.in_place = (m * n * k <= kSmallGemmWork || skinny(m, n, k, dot_form) ||
                (!onednn && m * n * k <= kInPlaceWork && (dot_form || (c_in_cache && b_in_cache)))) &&
               !(r.ta == CblasTrans && r.tb == CblasTrans);
  return r;
}

// oneDNN's matmul primitive for a float32 product routed out of descent's kernels, where it takes it:
// alpha 1, beta 0 or 1, a bias (n) or none, and ReLU applied to the result where `relu`.
bool onednn_product(const GemmRoute& r, const Tensor& c, double alpha, double beta, const float* bias,
                    bool relu = false) {
  if (!kOneDnn || c.dtype() != Dtype::Float32 || alpha != 1 || (beta != 0 && beta != 1)) return false;
  // Without transposes oneDNN's sgemm is as fast or faster (onednn_matmul.cpp).
  if (r.ta == CblasNoTrans && r.tb == CblasNoTrans) return false;
  OneDnnProduct p;
  p.trans_a = r.ta == CblasTrans;
  p.trans_b = r.tb == CblasTrans;
  p.m = r.m;
  p.n = r.n;
  p.k = r.k;
  p.a = r.a.tensor().data<float>();
  p.lda = r.a.ld;
  p.b = r.b.tensor().data<float>();
  p.ldb = r.b.ld;
  p.c = c.data<float>();
  p.ldc = r.ldc;
  p.accumulate = beta == 1;
  p.bias = bias;
  p.relu = relu;
  p.threads = std::max(get_num_threads(), 1);
  return onednn_matmul(p);
}

}  // namespace

void gemm(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, const Tensor& c, double alpha, double beta) {
  const GemmRoute r = route_gemm(a, trans_a, b, trans_b, c);
  const std::int64_t m = r.m, n = r.n, k = r.k;
  if (m == 0 || n == 0) return;
  const BlasOperand &oa = r.a, &ob = r.b;
  const auto ta = r.ta, tb = r.tb;
  const int ldc = r.ldc;
  const bool dot_form = tb == CblasTrans;
  if (r.in_place) {
    dispatch_floating(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* pa = oa.tensor().data<T>();
      const T* pb = ob.tensor().data<T>();
      T* pc = c.data<T>();
      const int threads = m * n * k >= kMatmulParallelWork ? std::max(get_num_threads(), 1) : 1;
      if (dot_form) {
        // The dot form streams whole rows of A and B once per register block: a long k (a weight
        // gradient summed over every output position of a batch) is cut into slices that stay in
        // L2 across the blocks, each slice adding into C.
        const bool fits = static_cast<std::size_t>((m + n) * k) * sizeof(T) <= kL2Budget;
        const std::int64_t slice = fits ? std::max<std::int64_t>(k, 1) : kDotSlice;
        auto dot = [&](std::int64_t rows, std::int64_t cols, const T* a_block, const T* b_block, T* c_block) {
          for (std::int64_t k0 = 0; k0 < k || k0 == 0; k0 += slice) {
            const std::int64_t kc = std::min(slice, k - k0);
            simd::gemm_nt<T>(rows, cols, kc, static_cast<T>(alpha), a_block + k0, oa.ld, b_block + k0, ob.ld,
                             k0 == 0 ? static_cast<T>(beta) : T(1), c_block, ldc);
          }
        };
        if (threads == 1) dot(m, n, pa, pb, pc);
        else if (m > n)
          in_blocks(m, 4, threads,
                    [&](std::int64_t lo, std::int64_t hi) { dot(hi - lo, n, pa + lo * oa.ld, pb, pc + lo * ldc); });
        else
          in_blocks(n, 4, threads,
                    [&](std::int64_t lo, std::int64_t hi) { dot(m, hi - lo, pa, pb + lo * ob.ld, pc + lo); });
      } else {
        // The axpy form vectorizes along n: blocks of whole vectors of columns, each in blocks of rows
        // (xn_rows). Each element's sum is the same whatever the blocks.
        const std::int64_t rows = xn_rows(m, ldc, sizeof(T));
        const bool at = ta == CblasTrans;
        in_blocks(n, 64, threads, [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t i0 = 0; i0 < m; i0 += rows)
            simd::gemm_xn<T>(at, std::min(rows, m - i0), hi - lo, k, static_cast<T>(alpha),
                             at ? pa + i0 : pa + i0 * oa.ld, oa.ld, pb + lo, ob.ld, static_cast<T>(beta),
                             pc + i0 * ldc + lo, ldc);
        });
      }
    });
    return;
  }
  if (a.dtype() == Dtype::Float32) {
    if (m * n * k > kOneDnnWork && onednn_product(r, c, alpha, beta, nullptr)) return;
#ifdef DESCENT_WITH_DNNL
    if (onednn_sgemm(ta == CblasTrans, tb == CblasTrans, m, n, k, static_cast<float>(alpha), oa.tensor().data<float>(),
                     oa.ld, ob.tensor().data<float>(), ob.ld, static_cast<float>(beta), c.data<float>(), ldc))
      return;
#endif
    cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k),
                static_cast<float>(alpha), oa.tensor().data<float>(), oa.ld, ob.tensor().data<float>(), ob.ld,
                static_cast<float>(beta), c.data<float>(), ldc);
  } else if (a.dtype() == Dtype::Float64) {
    cblas_dgemm(CblasRowMajor, ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha,
                oa.tensor().data<double>(), oa.ld, ob.tensor().data<double>(), ob.ld, beta, c.data<double>(), ldc);
  } else {
    throw ValueError("matmul needs float32 or float64 operands");
  }
}

void gemm_update_(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, const Tensor& c, double rate,
                  const Tensor& scratch) {
  const GemmRoute r = route_gemm(a, trans_a, b, trans_b, c);
  if (r.m > 0 && r.n > 0 && r.in_place && r.tb == CblasNoTrans && r.k <= simd::gemm_xn_update_depth()) {
    // gemm's axpy form above, block for block, with each element's update made where its sum is.
    dispatch_floating(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* pa = r.a.tensor().data<T>();
      const T* pb = r.b.tensor().data<T>();
      T* pc = c.data<T>();
      const bool at = r.ta == CblasTrans;
      const std::int64_t m = r.m, rows = xn_rows(m, r.ldc, sizeof(T));
      const int threads = m * r.n * r.k >= kMatmulParallelWork ? std::max(get_num_threads(), 1) : 1;
      in_blocks(r.n, 64, threads, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t i0 = 0; i0 < m; i0 += rows)
          simd::gemm_xn_update<T>(at, std::min(rows, m - i0), hi - lo, r.k, at ? pa + i0 : pa + i0 * r.a.ld, r.a.ld,
                                  pb + lo, r.b.ld, static_cast<T>(rate), pc + i0 * r.ldc + lo, r.ldc);
      });
    });
    return;
  }
  require(scratch.defined() && scratch.shape() == c.shape() && scratch.dtype() == c.dtype() &&
              scratch.raw_data() != c.raw_data(),
          [&] { return std::string("gemm_update_: scratch must be a tensor of c's shape and dtype, apart from c"); });
  gemm(a, trans_a, b, trans_b, scratch, 1, 0);
  sgd_step_(c, scratch, Tensor(), {.lr = -rate});
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  require(a.dim() >= 1 && b.dim() >= 1, [&] {
    return std::string("matmul: operands must have at least one dimension, got shapes " + to_string(a.shape()) +
                       " and " + to_string(b.shape()));
  });
  if (a.dim() == 1 && b.dim() == 1) {
    require(a.shape()[0] == b.shape()[0], [&] {
      return std::string("matmul: vectors of sizes " + std::to_string(a.shape()[0]) + " and " +
                         std::to_string(b.shape()[0]) + " differ");
    });
    Tensor out = Tensor::empty(Shape{1, 1}, a.dtype());
    gemm(a.view_as_shape(Shape{1, a.numel()}), false, contiguous(b).view_as_shape(Shape{b.numel(), 1}), false, out, 1,
         0);
    return out.view_as_shape(Shape{});
  }
  if (a.dim() == 1) {  // (k) x (k, n) -> (n)
    Tensor out = Tensor::empty(Shape{1, b.shape()[b.dim() - 1]}, a.dtype());
    require(b.dim() == 2, [&] { return std::string("matmul: a vector times a batch of matrices is not supported"); });
    gemm(contiguous(a).view_as_shape(Shape{1, a.numel()}), false, b, false, out, 1, 0);
    return out.view_as_shape(Shape{out.shape()[1]});
  }
  if (b.dim() == 1) {  // (..., m, k) x (k) -> (..., m)
    Shape out_shape = a.shape();
    out_shape.erase(out_shape.size() - 1);
    Tensor r = kernels::matmul(a, contiguous(b).view_as_shape(Shape{b.numel(), 1}));
    return r.view_as_shape(out_shape);
  }
  if (b.dim() == 2) {  // (..., m, k) x (k, n): fold the batch into the rows
    const Tensor a2 =
        a.dim() == 2 ? a : contiguous(a).view_as_shape(Shape{a.numel() / a.shape().back(), a.shape().back()});
    Tensor out = Tensor::empty(Shape{a2.shape()[0], b.shape()[1]}, a.dtype());
    gemm(a2, false, b, false, out, 1, 0);
    if (a.dim() == 2) return out;
    Shape out_shape = a.shape();
    out_shape[out_shape.size() - 1] = b.shape()[1];
    return out.view_as_shape(out_shape);
  }
  require(a.dim() == 3 && b.dim() == 3 && a.shape()[0] == b.shape()[0], [&] {
    return std::string("matmul: batched operands must be (b, m, k) and (b, k, n), got " + to_string(a.shape()) +
                       " and " + to_string(b.shape()));
  });
  const std::int64_t batch = a.shape()[0];
  Tensor out = Tensor::empty(Shape{batch, a.shape()[1], b.shape()[2]}, a.dtype());
  const Tensor ac = contiguous(a), bc = contiguous(b);
  for (std::int64_t i = 0; i < batch; ++i) {
    const Tensor ai = ac.view_narrowed(i, 1).view_as_shape(Shape{a.shape()[1], a.shape()[2]});
    const Tensor bi = bc.view_narrowed(i, 1).view_as_shape(Shape{b.shape()[1], b.shape()[2]});
    const Tensor oi = out.view_narrowed(i, 1).view_as_shape(Shape{a.shape()[1], b.shape()[2]});
    gemm(ai, false, bi, false, oi, 1, 0);
  }
  return out;
}

namespace {

void check_linear(const Tensor& x, const Tensor& w, const Tensor& bias) {
  require(x.dim() == 2 && w.dim() == 2 && x.shape()[1] == w.shape()[1], [&] {
    return std::string("linear: input " + to_string(x.shape()) + " does not fit weight " + to_string(w.shape()) +
                       " (expected input (N, " + std::to_string(w.dim() == 2 ? w.shape()[1] : 0) + "))");
  });
  require(!bias.defined() || (bias.dim() == 1 && bias.shape()[0] == w.shape()[0]), [&] {
    return std::string("linear: bias " + to_string(bias.shape()) + " does not fit weight " + to_string(w.shape()));
  });
}

// x w^T + bias, then ReLU where `relu`, in oneDNN's one pass over `out` when the product is oneDNN's.
bool onednn_linear(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out, bool relu) {
  if (!kOneDnn || out.dtype() != Dtype::Float32 || (bias.defined() && !bias.is_contiguous()) ||
      x.shape()[0] * w.shape()[0] * w.shape()[1] <= kOneDnnWork)
    return false;  // the common small product decided before anything else is looked at
  const GemmRoute r = route_gemm(x, false, w, true, out);
  return !r.in_place && onednn_product(r, out, 1, 0, bias.defined() ? bias.data<float>() : nullptr, relu);
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& into) {
  check_linear(x, w, bias);
  Tensor out = reuse_or_empty(into, Shape{x.shape()[0], w.shape()[0]}, x.dtype());
  if (onednn_linear(x, w, bias, out, false)) return out;
  double beta = 0;
  if (bias.defined()) {
    dispatch_floating(out.dtype(), [&](auto tag) {  // every row starts as the bias; GEMM adds x w^T
      using T = decltype(tag);
      Tensor bias_keep;
      const T* pb = contiguous_ref(bias, bias_keep).data<T>();
      T* po = out.data<T>();
      const std::int64_t rows = out.shape()[0], cols = out.shape()[1];
      for (std::int64_t r = 0; r < rows; ++r) std::copy(pb, pb + cols, po + r * cols);
    });
    beta = 1;
  }
  gemm(x, false, w, true, out, 1, beta);
  return out;
}

Tensor linear_relu(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& pre, const Tensor& out) {
  check_linear(x, w, bias);
  const Shape shape{x.shape()[0], w.shape()[0]};
  Tensor result = reuse_or_empty(out, shape, x.dtype());
  if (onednn_linear(x, w, bias, result, true)) return result;
  return unary(UnaryOp::Relu, linear(x, w, bias, reuse_or_empty(pre, shape, x.dtype())), result);
}

void set_num_threads(int n) { openblas_set_num_threads(std::max(n, 1)); }
int get_num_threads() { return openblas_get_num_threads(); }

}  // namespace descent::kernels
