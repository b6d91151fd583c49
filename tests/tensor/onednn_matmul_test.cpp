// The large float32 products that leave descent's own kernels (oneDNN's matmul primitive where the
// build has oneDNN, OpenBLAS otherwise) against the float64 product of the same values, over every
// transpose, alpha and beta; Linear's bias; and linear_relu, which must give the bits of linear then
// ReLU, negatives and NaN included.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/descent.hpp"
#include "support/same_bits.hpp"

namespace descent {
namespace {

using descent::testing::same_bits;

// m n k = 18.4e6 multiply-adds: past the 2^24 at which a float32 product goes to oneDNN (blas.cpp).
constexpr std::int64_t kM = 96, kN = 640, kK = 300;

void expect_close_to_float64(const Tensor& got, const Tensor& expected, const Tensor& magnitude,
                             const std::string& what) {
  const auto g = got.to_vector(), e = expected.to_vector(), s = magnitude.to_vector();
  ASSERT_EQ(g.size(), e.size()) << what;
  for (std::size_t i = 0; i < g.size(); ++i)  // float32 rounding of k terms, against their magnitudes
    ASSERT_NEAR(g[i], e[i], 1e-5 * (1 + s[i])) << what << " at " << i;
}

TEST(LargeGemm, EveryTransposeAlphaAndBetaMatchesFloat64) {
  Generator g(21);
  for (const bool ta : {false, true})
    for (const bool tb : {false, true})
      for (const double alpha : {1.0, 0.5})
        for (const double beta : {0.0, 1.0, 2.0}) {
          const Tensor a = randn(ta ? Shape{kK, kM} : Shape{kM, kK}, Dtype::Float32, &g);
          const Tensor b = randn(tb ? Shape{kN, kK} : Shape{kK, kN}, Dtype::Float32, &g);
          const Tensor c0 = randn(Shape{kM, kN}, Dtype::Float32, &g);
          // beta = 0 never reads C: NaNs there must not reach the result.
          Tensor c = beta == 0 ? full(Shape{kM, kN}, NAN, Dtype::Float32) : c0.clone();
          kernels::gemm(a, ta, b, tb, c, alpha, beta);
          Tensor expected = c0.to(Dtype::Float64), magnitude = zeros(Shape{kM, kN}, Dtype::Float64);
          kernels::gemm(a.to(Dtype::Float64), ta, b.to(Dtype::Float64), tb, expected, alpha, beta);
          kernels::gemm(abs(a.to(Dtype::Float64)), ta, abs(b.to(Dtype::Float64)), tb, magnitude, 1, 0);
          expect_close_to_float64(c, expected, magnitude,
                                  "ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                                      " alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta));
        }
}

// A transposed view is handed over as it lies (its strides), not copied.
TEST(LargeGemm, TransposedViewsMatchTheirContiguousCopies) {
  Generator g(22);
  const Tensor a = randn(Shape{kK, kM}, Dtype::Float32, &g), b = randn(Shape{kN, kK}, Dtype::Float32, &g);
  Tensor viewed = zeros(Shape{kM, kN}), copied = zeros(Shape{kM, kN});
  kernels::gemm(a.t(), false, b.t(), false, viewed, 1, 0);
  kernels::gemm(a.t().contiguous(), false, b.t().contiguous(), false, copied, 1, 0);
  Tensor magnitude = zeros(Shape{kM, kN}, Dtype::Float64);
  kernels::gemm(abs(a.to(Dtype::Float64)), true, abs(b.to(Dtype::Float64)), true, magnitude, 1, 0);
  expect_close_to_float64(viewed, copied.to(Dtype::Float64), magnitude, "transposed views");
}

TEST(LargeGemm, LinearAddsTheBiasToEveryRow) {
  Generator g(23);
  const Tensor x = randn(Shape{kM, kK}, Dtype::Float32, &g), w = randn(Shape{kN, kK}, Dtype::Float32, &g);
  const Tensor bias = randn(Shape{kN}, Dtype::Float32, &g);
  const Tensor y = kernels::linear(x, w, bias);
  const Tensor expected = kernels::linear(x.to(Dtype::Float64), w.to(Dtype::Float64), bias.to(Dtype::Float64));
  const Tensor magnitude = kernels::linear(abs(x.to(Dtype::Float64)), abs(w.to(Dtype::Float64)), Tensor());
  expect_close_to_float64(y, expected, magnitude, "linear");
  const Tensor no_bias = kernels::linear(x, w, Tensor());
  expect_close_to_float64(no_bias, kernels::linear(x.to(Dtype::Float64), w.to(Dtype::Float64), Tensor()), magnitude,
                          "linear without bias");
}

// The fused kernel of a captured step: the bits of linear then ReLU, +0 for every negative (not the
// -0 of x * 0) and 0 for NaN, at both sizes (oneDNN's fused pass, and linear then ReLU below it).
TEST(LargeGemm, LinearReluGivesTheBitsOfLinearThenRelu) {
  Generator g(24);
  for (const std::int64_t rows : {kM, std::int64_t{3}})
    for (const bool with_bias : {true, false}) {
      Tensor x = randn(Shape{rows, kK}, Dtype::Float32, &g);
      x.data<float>()[kK + 5] = NAN;  // row 1: every pre-activation NaN
      const Tensor w = randn(Shape{kN, kK}, Dtype::Float32, &g);
      const Tensor bias = with_bias ? randn(Shape{kN}, Dtype::Float32, &g) : Tensor();
      const Tensor pre = Tensor::empty(Shape{rows, kN}), out = Tensor::empty(Shape{rows, kN});
      kernels::linear_relu(x, w, bias, pre, out);
      const Tensor expected = kernels::unary(kernels::UnaryOp::Relu, kernels::linear(x, w, bias));
      EXPECT_TRUE(same_bits(out, expected)) << rows << " rows, bias " << with_bias;
      EXPECT_EQ(out.data<float>()[kN + 7], 0.0f);
      EXPECT_FALSE(std::signbit(out.data<float>()[kN + 7]));
    }
}

}  // namespace
}  // namespace descent
