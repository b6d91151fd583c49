// At stride 1 and dilation 1 the convolution reads im2col's column rows in place from shifted copies
// of the input planes (src/tensor/kernels/conv.cpp: implicit_forward), and its input gradient sums the
// column gradient back through such planes (col2im_shifted); the weight's gradient reads the column
// rows from the planes too. The forward against the columns im2col writes and a double-precision
// product of them with the weight, plus the bias; the input gradient against col2im of the
// double-precision column gradient W^T dY; the weight's against dY times the columns: 1e-12 of the
// largest value in float64, 1e-5 in float32 (the products round in float there). Shapes: LeNet-5's second
// layer, paddings wider than the kernel, one-sided padding, 1x1 and 1-wide kernels, odd sizes; and the
// strided and dilated cases, which still write their columns, as a control.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "descent/descent.hpp"

namespace descent {
namespace {

struct ImplicitCase {
  std::int64_t n, c, h, w, o, kh, kw, ph, pw, stride, dil;
};

const ImplicitCase kImplicitCases[] = {
    {64, 6, 14, 14, 16, 5, 5, 0, 0, 1, 1},  // LeNet-5's second layer at its batch
    {3, 2, 9, 11, 5, 3, 3, 1, 1, 1, 1},     // odd sizes, padding 1
    {2, 3, 6, 6, 4, 3, 3, 4, 4, 1, 1},      // padding wider than the kernel: rows of padding alone
    {4, 2, 7, 13, 3, 5, 3, 0, 2, 1, 1},     // padding on one axis only
    {5, 7, 8, 9, 17, 1, 1, 0, 0, 1, 1},     // 1x1 kernel, more output channels than a vector
    {2, 3, 10, 5, 2, 1, 5, 0, 2, 1, 1},     // 1-wide rows of taps
    {3, 1, 28, 28, 6, 5, 5, 2, 2, 1, 1},    // LeNet-5's first layer (im2col forced)
    {2, 2, 11, 11, 3, 3, 3, 1, 1, 2, 1},    // stride 2: explicit columns
    {2, 2, 10, 9, 2, 3, 3, 2, 2, 1, 2},     // dilation 2: explicit columns
};

std::string describe(const ImplicitCase& k) {
  return "n=" + std::to_string(k.n) + " c=" + std::to_string(k.c) + " " + std::to_string(k.h) + "x" +
         std::to_string(k.w) + " o=" + std::to_string(k.o) + " k=" + std::to_string(k.kh) + "x" + std::to_string(k.kw) +
         " pad=" + std::to_string(k.ph) + "," + std::to_string(k.pw) + " stride=" + std::to_string(k.stride) +
         " dil=" + std::to_string(k.dil);
}

// out[n, o, l] = sum_k w[o, k] cols[k, n L + l] + b[o], in double, from im2col's columns.
std::vector<double> reference(const Tensor& x, const Tensor& w, const Tensor& b, const kernels::Window2d& win,
                              std::int64_t out_plane) {
  const std::vector<double> cols = kernels::im2col(x, win).to_vector(), wv = w.to_vector();
  const std::vector<double> bv = b.defined() ? b.to_vector() : std::vector<double>();
  const std::int64_t n = x.shape()[0], o = w.shape()[0], k = w.numel() / o, cols_n = n * out_plane;
  std::vector<double> out(static_cast<std::size_t>(n * o * out_plane));
  for (std::int64_t img = 0; img < n; ++img)
    for (std::int64_t oc = 0; oc < o; ++oc)
      for (std::int64_t l = 0; l < out_plane; ++l) {
        double s = bv.empty() ? 0.0 : bv[static_cast<std::size_t>(oc)];
        for (std::int64_t p = 0; p < k; ++p)
          s += wv[static_cast<std::size_t>(oc * k + p)] *
               cols[static_cast<std::size_t>(p * cols_n + img * out_plane + l)];
        out[static_cast<std::size_t>((img * o + oc) * out_plane + l)] = s;
      }
  return out;
}

// `got` against `want` element by element, to `tol` of want's largest magnitude (at least 1).
void expect_near_scaled(const std::vector<double>& got, const std::vector<double>& want, double tol,
                        const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double scale = 1;
  for (double v : want) scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], tol * scale) << what << " at " << i;
}

void check_implicit(Dtype dtype, double tol) {
  Generator gen(11);
  for (const ImplicitCase& k : kImplicitCases)
    for (const bool with_bias : {true, false}) {
      const std::string what = describe(k) + " bias=" + std::to_string(with_bias);
      const Tensor x = randn(Shape{k.n, k.c, k.h, k.w}, dtype, &gen);
      const Tensor w = randn(Shape{k.o, k.c, k.kh, k.kw}, dtype, &gen);
      const Tensor b = with_bias ? randn(Shape{k.o}, dtype, &gen) : Tensor();
      const kernels::Window2d win{{k.kh, k.kw}, {k.stride, k.stride}, {k.ph, k.pw}, {k.dil, k.dil}};
      const Tensor out =
          kernels::conv2d(x, w, b, win.stride, win.padding, win.dilation, kernels::ConvAlgorithm::Im2col);
      const std::vector<double> got = out.to_vector();
      const std::vector<double> want = reference(x, w, b, win, out.shape()[2] * out.shape()[3]);
      ASSERT_NO_FATAL_FAILURE(expect_near_scaled(got, want, tol, what));
    }
}

// d input = col2im(W^T dY), the column gradient in double, summed back by col2im in float64.
std::vector<double> input_gradient_reference(const Tensor& x, const Tensor& w, const Tensor& dy,
                                             const kernels::Window2d& win) {
  const std::vector<double> wv = w.to_vector(), g = dy.to_vector();
  const std::int64_t n = x.shape()[0], o = w.shape()[0], k = w.numel() / o, l = dy.shape()[2] * dy.shape()[3];
  std::vector<double> dcols(static_cast<std::size_t>(k * n * l));
  for (std::int64_t p = 0; p < k; ++p)
    for (std::int64_t img = 0; img < n; ++img)
      for (std::int64_t q = 0; q < l; ++q) {
        double s = 0;
        for (std::int64_t oc = 0; oc < o; ++oc)
          s += wv[static_cast<std::size_t>(oc * k + p)] * g[static_cast<std::size_t>((img * o + oc) * l + q)];
        dcols[static_cast<std::size_t>(p * n * l + img * l + q)] = s;
      }
  return kernels::col2im(from_vector(dcols, Shape{k, n * l}, Dtype::Float64), x.shape(), win).to_vector();
}

void check_implicit_input_gradient(Dtype dtype, double tol) {
  Generator gen(13);
  for (const ImplicitCase& k : kImplicitCases) {
    const std::string what = describe(k);
    const Tensor x = randn(Shape{k.n, k.c, k.h, k.w}, dtype, &gen);
    const Tensor w = randn(Shape{k.o, k.c, k.kh, k.kw}, dtype, &gen);
    const kernels::Window2d win{{k.kh, k.kw}, {k.stride, k.stride}, {k.ph, k.pw}, {k.dil, k.dil}};
    const Tensor y = kernels::conv2d(x, w, Tensor(), win.stride, win.padding, win.dilation);
    const Tensor dy = randn(y.shape(), dtype, &gen);
    const kernels::Conv2dGrads grads =
        kernels::conv2d_backward(dy, x, w, win.stride, win.padding, win.dilation, true, false, false);
    const std::vector<double> got = grads.input.to_vector(), want = input_gradient_reference(x, w, dy, win);
    ASSERT_NO_FATAL_FAILURE(expect_near_scaled(got, want, tol, what));
  }
}

// d weight (O, K) = sum over images and positions of dY times the columns, in double.
std::vector<double> weight_gradient_reference(const Tensor& x, const Tensor& w, const Tensor& dy,
                                              const kernels::Window2d& win) {
  const std::vector<double> cols = kernels::im2col(x, win).to_vector(), g = dy.to_vector();
  const std::int64_t n = x.shape()[0], o = w.shape()[0], k = w.numel() / o, l = dy.shape()[2] * dy.shape()[3];
  std::vector<double> dw(static_cast<std::size_t>(o * k));
  for (std::int64_t oc = 0; oc < o; ++oc)
    for (std::int64_t p = 0; p < k; ++p) {
      double s = 0;
      for (std::int64_t img = 0; img < n; ++img)
        for (std::int64_t q = 0; q < l; ++q)
          s += g[static_cast<std::size_t>((img * o + oc) * l + q)] *
               cols[static_cast<std::size_t>(p * n * l + img * l + q)];
      dw[static_cast<std::size_t>(oc * k + p)] = s;
    }
  return dw;
}

void check_implicit_weight_gradient(Dtype dtype, double tol) {
  Generator gen(17);
  for (const ImplicitCase& k : kImplicitCases) {
    const std::string what = describe(k);
    const Tensor x = randn(Shape{k.n, k.c, k.h, k.w}, dtype, &gen);
    const Tensor w = randn(Shape{k.o, k.c, k.kh, k.kw}, dtype, &gen);
    const kernels::Window2d win{{k.kh, k.kw}, {k.stride, k.stride}, {k.ph, k.pw}, {k.dil, k.dil}};
    const Tensor y = kernels::conv2d(x, w, Tensor(), win.stride, win.padding, win.dilation);
    const Tensor dy = randn(y.shape(), dtype, &gen);
    const kernels::Conv2dGrads grads = kernels::conv2d_backward(dy, x, w, win.stride, win.padding, win.dilation, false,
                                                                true, false, kernels::ConvAlgorithm::Im2col);
    const std::vector<double> got = grads.weight.to_vector(), want = weight_gradient_reference(x, w, dy, win);
    ASSERT_NO_FATAL_FAILURE(expect_near_scaled(got, want, tol, what));
  }
}

TEST(ConvImplicit, WeightGradientFloat64MatchesTheColumns) { check_implicit_weight_gradient(Dtype::Float64, 1e-12); }
TEST(ConvImplicit, WeightGradientFloat32MatchesTheColumns) { check_implicit_weight_gradient(Dtype::Float32, 1e-5); }

TEST(ConvImplicit, InputGradientFloat64MatchesCol2im) { check_implicit_input_gradient(Dtype::Float64, 1e-12); }
TEST(ConvImplicit, InputGradientFloat32MatchesCol2im) { check_implicit_input_gradient(Dtype::Float32, 1e-5); }

TEST(ConvImplicit, Float64MatchesTheColumns) { check_implicit(Dtype::Float64, 1e-12); }
TEST(ConvImplicit, Float32MatchesTheColumns) { check_implicit(Dtype::Float32, 1e-5); }

// Each image is one product on one thread: two threads give the same bits as one.
TEST(ConvImplicit, TwoThreadsMatchOne) {
  Generator gen(3);
  const Tensor x = randn(Shape{64, 6, 14, 14}, Dtype::Float32, &gen);
  const Tensor w = randn(Shape{16, 6, 5, 5}, Dtype::Float32, &gen), b = randn(Shape{16}, Dtype::Float32, &gen);
  const int before = kernels::get_num_threads();
  kernels::set_num_threads(1);
  const std::vector<double> one = kernels::conv2d(x, w, b, 1, 0, 1).to_vector();
  kernels::set_num_threads(2);
  const std::vector<double> two = kernels::conv2d(x, w, b, 1, 0, 1).to_vector();
  kernels::set_num_threads(before);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace descent
