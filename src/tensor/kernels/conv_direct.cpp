// Direct convolution at stride 1: each image's planes are copied into zero-padded planes (so the
// vector loops need neither bounds checks nor masks), then simd_conv.cpp's kernels run over them.
// Images are spread over the pool's threads; each thread keeps its own per-lane partial sums of the
// weight's gradient, added up at the end in thread order, then lane order. The sums thus run in
// another order than im2col + GEMM's: results agree to rounding, not bit for bit.
#include "conv_direct.hpp"

#include <algorithm>
#include <vector>

#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/parallel.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

// Below this many multiply-adds per pass, starting threads costs more than it saves (as conv.cpp's).
constexpr std::int64_t kDirectParallelWork = std::int64_t{1} << 20;

struct DirectPlan {
  simd::DirectConvShape s;
  std::int64_t n, h, w;  // input
  std::int64_t ph, pw;   // padding
  int threads;
  std::int64_t padded() const { return s.c * s.xh * s.xw; }  // one image's padded planes
};

DirectPlan direct_plan(const Shape& input, const Window2d& win, std::int64_t out_channels, int lanes) {
  const Size2 out = window_output_size(input, win, "conv2d");
  const std::int64_t vec_cols = (out.w + lanes - 1) / lanes * lanes;
  DirectPlan p{};
  p.n = input[0];
  p.h = input[2];
  p.w = input[3];
  p.ph = win.padding.h;
  p.pw = win.padding.w;
  p.s = {input[1],       out_channels, win.kernel.h, win.kernel.w,   win.dilation.h,
         win.dilation.w, out.h,        out.w,        p.h + 2 * p.ph, vec_cols + (win.kernel.w - 1) * win.dilation.w,
         vec_cols};
  const std::int64_t work = out_channels * p.s.c * p.s.kh * p.s.kw * p.n * out.h * out.w;
  p.threads =
      work >= kDirectParallelWork ? static_cast<int>(std::min<std::int64_t>(std::max(get_num_threads(), 1), p.n)) : 1;
  return p;
}

// Image n's planes into the interior of padded planes whose border is already zero.
template <class T>
void direct_pad_image(const DirectPlan& p, const T* x, std::int64_t n, T* xp) {
  const std::int64_t plane = p.h * p.w;
  for (std::int64_t c = 0; c < p.s.c; ++c)
    simd::copy_rows(p.h, p.w, x + (n * p.s.c + c) * plane, p.w, xp + (c * p.s.xh + p.ph) * p.s.xw + p.pw, p.s.xw);
}

// Calls f(t, first, end) for each thread t with a run of consecutive images [first, end).
template <class F>
void direct_over_images(const DirectPlan& p, F&& f) {
  const std::int64_t share = (p.n + p.threads - 1) / p.threads;
  parallel_run(p.threads, [&](int t) {
    const std::int64_t first = t * share, end = std::min(p.n, first + share);
    if (first < end) f(t, first, end);
  });
}

}  // namespace

bool direct_conv_supported(const Window2d& window) { return window.stride.h == 1 && window.stride.w == 1; }

// Measured on LeNet-5's shapes and neighbours (batch 64, float32, one thread, AVX-512: AMD EPYC Zen 5,
// 2026-12-06), us per call, im2col + GEMM / direct, once im2col at stride 1 read its columns in place
// from shifted planes (conv.cpp):
//   input -> output channels, plane, kernel     forward          weight + bias gradient
//   1 -> 6, 28x28, 5x5 pad 2 (LeNet conv1)       177 / 138 1.28x  143 / 242 0.59x
//   3 -> 6, 28x28, 5x5 pad 2                     427 / 308 1.39x  365 / 634 0.58x
//   4 -> 6, 28x28, 5x5 pad 2                     548 / 405 1.35x  474 / 950 0.50x
//   6 -> 16, 28x28, 5x5 pad 2                   1678 / 1545 1.09x 1584 / 4239 0.37x
//   16 -> 16, 28x28, 3x3 pad 1                  1816 / 1920 0.95x 1664 / 5716 0.29x
//   6 -> 16, 14x14, 5x5 (LeNet conv2)            284 / 398 0.71x  350 / 1308 0.27x
//   1 -> 16, 14x14, 5x5                           62 / 92 0.67x    78 / 159 0.49x
// The forward wins on rows of 24 outputs or more up to 100 input channels times taps, is about even
// near 150, and loses on 10-wide rows, which fill 10 of a vector's 16 lanes. The weight's gradient,
// which keeps only 3 output channels x 5 taps in registers, loses everywhere: Auto never picks it.
bool direct_forward_wins(const Shape& input, const Window2d& window) {
  if (!direct_conv_supported(window)) return false;
  const std::int64_t taps = input[1] * window.kernel.h * window.kernel.w;
  const std::int64_t ow = input[3] + 2 * window.padding.w - window.dilation.w * (window.kernel.w - 1);
  return ow >= 24 && taps <= 100;
}

void conv2d_direct(const Tensor& input, const Tensor& weight, const Tensor& bias, const Window2d& window, Tensor& out) {
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const DirectPlan p = direct_plan(input.shape(), window, weight.shape()[0], simd::direct_lanes<T>());
    const T* x = input.data<T>();
    const T* w = weight.data<T>();
    const T* b = bias.defined() ? bias.data<T>() : nullptr;
    T* y = out.data<T>();
    const std::int64_t out_image = p.s.o * p.s.oh * p.s.ow;
    // Scratch made here, on the calling thread: the workers allocate nothing.
    std::vector<std::vector<T>> xpad(static_cast<std::size_t>(p.threads),
                                     std::vector<T>(static_cast<std::size_t>(p.padded()), T(0)));
    direct_over_images(p, [&](int t, std::int64_t first, std::int64_t end) {
      T* xp = xpad[static_cast<std::size_t>(t)].data();
      for (std::int64_t n = first; n < end; ++n) {
        direct_pad_image(p, x, n, xp);
        simd::conv_direct_forward(p.s, xp, w, b, y + n * out_image);
      }
    });
  });
}

void conv2d_direct_weight(const Tensor& grad_output, const Tensor& input, const Window2d& window, Tensor& weight_grad,
                          Tensor& bias_grad) {
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const int lanes = simd::direct_lanes<T>();
    const std::int64_t out_channels = grad_output.shape()[1];
    const DirectPlan p = direct_plan(input.shape(), window, out_channels, lanes);
    const T* x = input.data<T>();
    const T* dy = grad_output.data<T>();
    const std::int64_t out_image = p.s.o * p.s.oh * p.s.ow, weights = p.s.o * p.s.c * p.s.kh * p.s.kw;
    const bool need_weight = weight_grad.defined(), need_bias = bias_grad.defined();
    auto buffers = [&](std::int64_t size) {
      return std::vector<std::vector<T>>(static_cast<std::size_t>(p.threads),
                                         std::vector<T>(static_cast<std::size_t>(size), T(0)));
    };
    // Per thread: padded input planes, the output gradient with rows padded to whole vectors (zeros
    // past each row, so the kernel needs no masks), per-lane sums of the weight's and bias's gradients.
    auto xpad = buffers(p.padded()), dypad = buffers(out_channels * p.s.oh * p.s.gw), acc = buffers(weights * lanes),
         bias_acc = buffers(need_bias ? out_channels * lanes : 0);
    direct_over_images(p, [&](int t, std::int64_t first, std::int64_t end) {
      const std::size_t ts = static_cast<std::size_t>(t);
      for (std::int64_t n = first; n < end; ++n) {
        direct_pad_image(p, x, n, xpad[ts].data());
        simd::copy_rows(out_channels * p.s.oh, p.s.ow, dy + n * out_image, p.s.ow, dypad[ts].data(), p.s.gw);
        if (need_weight) {
          simd::conv_direct_weight(p.s, xpad[ts].data(), dypad[ts].data(), acc[ts].data(),
                                   need_bias ? bias_acc[ts].data() : nullptr);
        } else {  // the bias's gradient alone: no weights to sum
          simd::DirectConvShape bias_only = p.s;
          bias_only.c = 0;
          simd::conv_direct_weight(bias_only, xpad[ts].data(), dypad[ts].data(), acc[ts].data(), bias_acc[ts].data());
        }
      }
    });
    auto reduce = [&](const std::vector<std::vector<T>>& parts, std::int64_t count, T* out) {
      for (std::int64_t k = 0; k < count; ++k) {
        T sum = 0;
        for (const std::vector<T>& part : parts)
          for (int l = 0; l < lanes; ++l) sum += part[static_cast<std::size_t>(k * lanes + l)];
        out[k] = sum;
      }
    };
    if (need_weight) reduce(acc, weights, weight_grad.data<T>());
    if (need_bias) reduce(bias_acc, out_channels, bias_grad.data<T>());
  });
}

}  // namespace descent::kernels
