#pragma once
// What each side of the convolution bench provides: the LeNet-5 operations of one training step, each
// a function to time and the result to compare with descent's.
#include <functional>
#include <string>
#include <vector>

namespace bench {

// LeNet-5 at batch 64: conv1 1 -> 6 channels, 5x5, padding 2, on 28x28; conv2 6 -> 16, 5x5, on 14x14;
// 2x2 max pooling after each (6x28x28 -> 14x14, 16x10x10 -> 5x5).
constexpr int kBatch = 64;
struct ConvShape {
  int c, o, h, w, k, pad;
  int oh() const { return h + 2 * pad - k + 1; }
  int ow() const { return w + 2 * pad - k + 1; }
};
constexpr ConvShape kConv1{1, 6, 28, 28, 5, 2}, kConv2{6, 16, 14, 14, 5, 0};
struct PoolShape {
  int c, h, w;
};
constexpr PoolShape kPool1{6, 28, 28}, kPool2{16, 10, 10};

// The same random operands for every side (NCHW, OIHW).
struct Data {
  std::vector<float> x1, w1, b1, dy1, x2, w2, b2, dy2;  // convolutions: input, weight, bias, output gradient
  std::vector<float> p1, dp1, p2, dp2;                  // pooling: input, output gradient
};
const Data& data();

struct Op {
  std::string name;                            // "conv1 fwd", ... (the same on every side)
  std::function<void()> run;                   // one call, as a training step makes it
  std::function<std::vector<float>()> result;  // after run: the output, or the gradients concatenated
};

struct Side {
  std::string name;
  std::vector<Op> ops;
  std::function<void(int)> set_threads;
  std::string impl;  // which implementation each primitive chose, where a library says
};

// Sum of n floats in 16 running sums: one chain of dependent additions would not vectorize.
inline float sum_of(const float* p, int n) {
  float part[16] = {};
  int q = 0;
  for (; q + 16 <= n; q += 16)
    for (int r = 0; r < 16; ++r) part[r] += p[q + r];
  for (; q < n; ++q) part[0] += p[q];
  float sum = 0;
  for (float v : part) sum += v;
  return sum;
}

// The library's choice per convolution, or im2col + GEMM for all of them.
Side descent_side(bool im2col_only = false);
// oneDNN fixes a primitive's thread count when it makes it: `threads` is set first.
Side dnnl_side(bool any_format, int threads);
Side xsmm_side(const Side& descent);    // pooling: descent's ops
Side direct_side(const Side& descent);  // backward-data and pooling: descent's ops

}  // namespace bench
