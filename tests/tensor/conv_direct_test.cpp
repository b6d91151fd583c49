// The direct convolution (src/tensor/kernels/conv_direct.cpp) against im2col + GEMM: forward, weight
// and bias gradients on shapes with odd widths, paddings wider than the kernel, dilation, 1 and 3
// input channels and several batch sizes. The two sum in different orders, so they agree to
// rounding: 1e-5 of the largest value in float32, 1e-12 in float64.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "descent/descent.hpp"

namespace descent {
namespace {

struct DirectCase {
  std::int64_t n, c, h, w, o, kh, kw, ph, pw, dil;
};

const DirectCase kDirectCases[] = {
    {1, 1, 28, 28, 6, 5, 5, 2, 2, 1},   // LeNet-5's first layer, one image
    {3, 1, 13, 17, 4, 5, 5, 2, 2, 1},   // odd widths
    {2, 3, 9, 11, 5, 3, 3, 1, 1, 1},    // three input channels
    {5, 3, 7, 31, 7, 5, 3, 0, 2, 1},    // rows over two vectors, padding on one side
    {4, 1, 6, 6, 3, 3, 3, 3, 0, 1},     // padding wider than the kernel: rows of padding alone
    {2, 2, 10, 9, 2, 3, 3, 2, 2, 2},    // dilation
    {7, 1, 5, 40, 13, 1, 7, 0, 3, 1},   // wide rows, more output channels than a register block
    {64, 1, 28, 28, 6, 5, 5, 2, 2, 1},  // LeNet-5's batch: split over threads when there are several
};

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

void expect_close(const Tensor& got, const Tensor& want, double tol, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  const std::vector<double> g = got.to_vector(), r = want.to_vector();
  const double bound = tol * std::max(1.0, max_abs(r));
  for (std::size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], r[i], bound) << what << " at " << i;
}

void check_direct(Dtype dtype, double tol) {
  Generator gen(5);
  for (const DirectCase& k : kDirectCases)
    for (const bool with_bias : {true, false}) {
      const std::string what = "n=" + std::to_string(k.n) + " c=" + std::to_string(k.c) + " " + std::to_string(k.h) +
                               "x" + std::to_string(k.w) + " o=" + std::to_string(k.o) + " k=" + std::to_string(k.kh) +
                               "x" + std::to_string(k.kw) + " pad=" + std::to_string(k.ph) + "," +
                               std::to_string(k.pw) + " dil=" + std::to_string(k.dil) +
                               " bias=" + std::to_string(with_bias);
      const Tensor x = randn(Shape{k.n, k.c, k.h, k.w}, dtype, &gen);
      const Tensor w = randn(Shape{k.o, k.c, k.kh, k.kw}, dtype, &gen);
      const Tensor b = with_bias ? randn(Shape{k.o}, dtype, &gen) : Tensor();
      const Size2 pad{k.ph, k.pw}, dil{k.dil, k.dil};
      const Tensor direct = kernels::conv2d(x, w, b, 1, pad, dil, kernels::ConvAlgorithm::Direct);
      const Tensor im2col = kernels::conv2d(x, w, b, 1, pad, dil, kernels::ConvAlgorithm::Im2col);
      expect_close(direct, im2col, tol, "forward " + what);
      const Tensor dy = randn(direct.shape(), dtype, &gen);
      const kernels::Conv2dGrads gd =
          kernels::conv2d_backward(dy, x, w, 1, pad, dil, true, true, with_bias, kernels::ConvAlgorithm::Direct);
      const kernels::Conv2dGrads gi =
          kernels::conv2d_backward(dy, x, w, 1, pad, dil, true, true, with_bias, kernels::ConvAlgorithm::Im2col);
      expect_close(gd.weight, gi.weight, tol, "weight gradient " + what);
      if (with_bias) expect_close(gd.bias, gi.bias, tol, "bias gradient " + what);
      expect_close(gd.input, gi.input, 0, "input gradient (im2col's on both) " + what);
      if (!with_bias) continue;
      // the bias's gradient alone
      const kernels::Conv2dGrads gb =
          kernels::conv2d_backward(dy, x, w, 1, pad, dil, false, false, true, kernels::ConvAlgorithm::Direct);
      EXPECT_FALSE(gb.weight.defined());
      expect_close(gb.bias, gi.bias, tol, "bias alone " + what);
    }
}

TEST(ConvDirect, Float32MatchesIm2col) { check_direct(Dtype::Float32, 1e-5); }
TEST(ConvDirect, Float64MatchesIm2col) { check_direct(Dtype::Float64, 1e-12); }

TEST(ConvDirect, TwoThreadsMatchOne) {
  Generator gen(6);
  const Tensor x = randn(Shape{64, 1, 28, 28}, Dtype::Float32, &gen);
  const Tensor w = randn(Shape{6, 1, 5, 5}, Dtype::Float32, &gen);
  const Tensor b = randn(Shape{6}, Dtype::Float32, &gen);
  const int threads = kernels::get_num_threads();
  kernels::set_num_threads(1);
  const Tensor one = kernels::conv2d(x, w, b, 1, 2, 1, kernels::ConvAlgorithm::Direct);
  const Tensor dy = randn(one.shape(), Dtype::Float32, &gen);
  const Tensor dw_one =
      kernels::conv2d_backward(dy, x, w, 1, 2, 1, false, true, true, kernels::ConvAlgorithm::Direct).weight;
  kernels::set_num_threads(2);
  const Tensor two = kernels::conv2d(x, w, b, 1, 2, 1, kernels::ConvAlgorithm::Direct);
  const Tensor dw_two =
      kernels::conv2d_backward(dy, x, w, 1, 2, 1, false, true, true, kernels::ConvAlgorithm::Direct).weight;
  kernels::set_num_threads(threads);
  expect_close(two, one, 0, "forward");  // each image on one thread: the same sums
  expect_close(dw_two, dw_one, 1e-5, "weight gradient");
}

// LeNet-5's first layer: Auto runs its forward directly (so the float64 gradient checks of Conv2d with
// one input channel go through it too) and its weight's gradient through im2col's columns read in place
// (conv_direct.cpp's rule), each bit for bit as the forced algorithm.
TEST(ConvDirect, AutoPicksDirectForwardAndIm2colWeightGradient) {
  Generator gen(7);
  const Tensor x = randn(Shape{8, 1, 28, 28}, Dtype::Float64, &gen);
  const Tensor w = randn(Shape{6, 1, 5, 5}, Dtype::Float64, &gen);
  const Tensor b = randn(Shape{6}, Dtype::Float64, &gen);
  const Tensor dy = randn(Shape{8, 6, 28, 28}, Dtype::Float64, &gen);
  expect_close(kernels::conv2d(x, w, b, 1, 2, 1), kernels::conv2d(x, w, b, 1, 2, 1, kernels::ConvAlgorithm::Direct), 0,
               "forward");
  const Tensor dw = kernels::conv2d_backward(dy, x, w, 1, 2, 1, false, true, true).weight;
  const Tensor dw_im2col =
      kernels::conv2d_backward(dy, x, w, 1, 2, 1, false, true, true, kernels::ConvAlgorithm::Im2col).weight;
  expect_close(dw, dw_im2col, 0, "weight gradient");
}

TEST(ConvDirect, RejectsStrides) {
  const Tensor x = zeros(Shape{1, 1, 8, 8});
  const Tensor w = zeros(Shape{2, 1, 3, 3});
  EXPECT_THROW(kernels::conv2d(x, w, Tensor(), 2, 0, 1, kernels::ConvAlgorithm::Direct), ValueError);
  EXPECT_NO_THROW(kernels::conv2d(x, w, Tensor(), 2, 0, 1));  // Auto: im2col
}

}  // namespace
}  // namespace descent
