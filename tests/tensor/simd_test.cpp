// The in-place small-matrix kernels against a naive triple loop, over every layout the autograd
// ops use and sizes that leave ragged edges for every register block and vector width.
#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/optimizer_steps.hpp"
#include "support/same_bits.hpp"

namespace descent {
namespace {

using descent::testing::same_bits;

// Element (i, j) of op(A) op(B) for gemm's operands as stored (A is k x m when ta, B is n x k when tb),
// summed in double.
double naive_element(const Tensor& a, bool ta, const Tensor& b, bool tb, std::int64_t m, std::int64_t n, std::int64_t k,
                     std::int64_t i, std::int64_t j) {
  double s = 0;
  for (std::int64_t p = 0; p < k; ++p) s += a.at(ta ? p * m + i : i * k + p) * b.at(tb ? j * k + p : p * n + j);
  return s;
}

// C = 0.5 op(A) op(B) + beta C0 (c0: C's values before the product), each element within
// tol * (1 + |bound(s, expected)|) of its naive sum s and expected value.
template <class Bound>
void expect_naive_product(const Tensor& a, bool ta, const Tensor& b, bool tb, double beta,
                          const std::vector<double>& c0, const Tensor& c, double tol, Bound bound) {
  const std::int64_t m = c.shape()[0], n = c.shape()[1], k = ta ? a.shape()[0] : a.shape()[1];
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const double s = naive_element(a, ta, b, tb, m, n, k, i, j);
      const double expected = 0.5 * s + (beta == 0 ? 0.0 : beta * c0[i * n + j]);
      ASSERT_NEAR(c.at(i * n + j), expected, tol * (1 + std::abs(bound(s, expected))))
          << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb << " beta=" << beta << " at " << i << "," << j;
    }
}

// Shapes: k and n of 30, 33 and 17 leave a tail shorter than every vector width (the dot form's
// overlapping last vector, the axpy form's padded last strip); k below a vector (2, 10) is padded.
template <class T>
void check_gemm(Dtype dtype, double tol) {
  Generator g(11);
  for (const auto [m, n, k] : std::vector<std::array<std::int64_t, 3>>{
           {1, 1, 1}, {10, 30, 784}, {10, 10, 30}, {30, 784, 10}, {7, 13, 17}, {5, 4, 16}, {11, 9, 33}, {3, 50, 2}})
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const double beta : {0.0, 2.0}) {
          const Tensor a = randn(ta ? Shape{k, m} : Shape{m, k}, dtype, &g);
          const Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, dtype, &g);
          // With beta = 0, C's old values are never read: NaNs there must not reach the result.
          Tensor c = beta == 0 ? full(Shape{m, n}, NAN, dtype) : randn(Shape{m, n}, dtype, &g);
          const auto c0 = c.to_vector();
          kernels::gemm(a, ta, b, tb, c, 0.5, beta);
          expect_naive_product(a, ta, b, tb, beta, c0, c, tol, [](double s, double) { return s; });
        }
}

// Rows of C a multiple of 2 KB long: the axpy form takes them in blocks (blas.cpp, xn_rows), the last
// block short; A as it lies and transposed, C overwritten and added to.
TEST(SmallGemm, AxpyFormInBlocksOfRowsMatchesNaiveProduct) {
  Generator g(12);
  for (const auto& [m, n, k, dtype] : std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, Dtype>>{
           {37, 1024, 10, Dtype::Float32}, {70, 512, 3, Dtype::Float32}, {37, 512, 10, Dtype::Float64}})
    for (const bool ta : {false, true})
      for (const double beta : {0.0, 2.0}) {
        const Tensor a = randn(ta ? Shape{k, m} : Shape{m, k}, dtype, &g);
        const Tensor b = randn(Shape{k, n}, dtype, &g);
        Tensor c = beta == 0 ? full(Shape{m, n}, NAN, dtype) : randn(Shape{m, n}, dtype, &g);
        const auto c0 = c.to_vector();
        kernels::gemm(a, ta, b, false, c, 0.5, beta);
        expect_naive_product(a, ta, b, false, beta, c0, c, 1e-5, [](double, double expected) { return expected; });
      }
}

// gemm_update_ (plain SGD's step fused into the weight gradient's product) against its definition: the
// product into g by gemm, then sgd_step_ with lr -rate, bit for bit. k up to 12 runs fused (registers
// hold the whole sum with AVX-512; 6 with AVX2), 13 and a transposed B the two calls; n of 37 leaves a
// padded tail strip; 30 x 784 x 10 is W1's first layer.
TEST(SmallGemm, UpdateFusedIntoTheProductIsGemmThenSgdStepBitForBit) {
  Generator g(13);
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64})
    for (const auto [m, n, k] : std::vector<std::array<std::int64_t, 3>>{
             {30, 784, 10}, {7, 37, 3}, {5, 16, 12}, {9, 40, 6}, {4, 33, 13}, {37, 1024, 10}, {3, 5, 0}})
      for (const bool ta : {false, true})
        for (const bool tb : {false, true})
          for (const double rate : {-3.0, 0.37}) {
            const Tensor a = randn(ta ? Shape{k, m} : Shape{m, k}, dtype, &g);
            const Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, dtype, &g);
            const Tensor w = randn(Shape{m, n}, dtype, &g);
            const Tensor expected = w.clone(), grad = zeros(Shape{m, n}, dtype);
            kernels::gemm(a, ta, b, tb, grad, 1, 0);
            kernels::sgd_step_(expected, grad, Tensor(), {.lr = -rate});
            const Tensor got = w.clone(), scratch = zeros(Shape{m, n}, dtype);
            kernels::gemm_update_(a, ta, b, tb, got, rate, scratch);
            EXPECT_TRUE(same_bits(got, expected)) << to_string(dtype) << " " << m << "x" << n << "x" << k
                                                  << " ta=" << ta << " tb=" << tb << " rate=" << rate;
          }
  // The two calls' form needs its scratch tensor.
  const Tensor a = randn(Shape{20, 8}, Dtype::Float32, &g), b = randn(Shape{20, 40}, Dtype::Float32, &g);
  EXPECT_THROW(kernels::gemm_update_(a, true, b, false, zeros(Shape{8, 40}), -1, Tensor()), ShapeError);
}

TEST(SmallGemm, Float32MatchesNaiveProduct) { check_gemm<float>(Dtype::Float32, 1e-4); }
TEST(SmallGemm, Float64MatchesNaiveProduct) { check_gemm<double>(Dtype::Float64, 1e-12); }

// The dot form sums a k of 30 in whole vectors and then the last vector (float32 with AVX-512: lanes
// 0..15, then 14..29), the lanes summed already set to zero: an infinity in them (14 for 16 lanes, 22
// for 8, 26 for 4) is counted once, not turned into NaN by 0 * inf.
TEST(SmallGemm, InfinityInTheOverlappingLanesStaysInfinite) {
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    const std::int64_t k = 30;
    std::vector<double> av(k, 1.0);
    av[14] = av[22] = av[26] = INFINITY;
    const Tensor a = from_vector(av, Shape{1, k}, dtype);
    const Tensor b = ones(Shape{2, k}, dtype);
    Tensor c = zeros(Shape{1, 2}, dtype);
    kernels::gemm(a, false, b, true, c, 1, 0);
    EXPECT_EQ(c.at(0), INFINITY) << to_string(dtype);
    EXPECT_EQ(c.at(1), INFINITY) << to_string(dtype);
  }
}

TEST(SmallGemm, AxpyOverRaggedLengths) {
  for (std::int64_t n : {1, 7, 16, 17, 100}) {
    Tensor y = arange(n, Dtype::Float64);
    kernels::add_(y, ones(Shape{n}, Dtype::Float64), -0.5);
    for (std::int64_t i = 0; i < n; ++i) EXPECT_EQ(y.at(i), i - 0.5);
  }
}

}  // namespace
}  // namespace descent

namespace descent {
namespace {

TEST(SimdSigmoid, MatchesTheFormulaOverTheWholeRange) {
  std::vector<double> xs;
  for (double x = -120; x <= 120; x += 0.37) xs.push_back(x);  // ragged length, past exp's overflow
  for (const Dtype d : {Dtype::Float32, Dtype::Float64}) {
    const Tensor x = from_vector(xs, Shape{static_cast<std::int64_t>(xs.size())}, d);
    const auto y = kernels::unary(kernels::UnaryOp::Sigmoid, x).to_vector();
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double xi = x.at(static_cast<std::int64_t>(i));
      const double expected = 1.0 / (1.0 + std::exp(-xi));
      EXPECT_NEAR(y[i], expected, (d == Dtype::Float32 ? 2e-7 : 1e-15) * std::max(expected, 1e-30) + 1e-300)
          << "x = " << xi << " (" << to_string(d) << ")";
      EXPECT_TRUE(std::isfinite(y[i]));
    }
  }
}

}  // namespace
}  // namespace descent

namespace descent {
namespace {

// Skinny products large enough to leave the small-product rule (m n k > 2^21) for the skinny one, in
// both forms, and a dot form long enough to be cut into slices; then small dot forms whose k is past
// one slice but whose operands fit in L2, which run whole (W1's forward product is the first).
TEST(SmallGemm, SkinnyProductsMatchNaiveProduct) {
  Generator g(5);
  for (const auto& [m, n, k, tb] :
       std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, bool>>{{6, 4000, 100, false},
                                                                               {100, 3000, 9, false},
                                                                               {7, 23, 20000, true},
                                                                               {17, 5, 30000, true},
                                                                               {10, 30, 784, true},
                                                                               {13, 9, 2001, true}}) {
    const Tensor a = randn(Shape{m, k}, Dtype::Float64, &g);
    const Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, Dtype::Float64, &g);
    Tensor c = zeros(Shape{m, n}, Dtype::Float64);
    kernels::gemm(a, false, b, tb, c, 1.0, 0.0);
    const double* pa = a.data<double>();
    const double* pb = b.data<double>();
    for (std::int64_t i = 0; i < m; i += 3)
      for (std::int64_t j = 0; j < n; j += 7) {
        double s = 0;
        for (std::int64_t p = 0; p < k; ++p) s += pa[i * k + p] * pb[tb ? j * k + p : p * n + j];
        ASSERT_NEAR(c.at(i * n + j), s, 1e-10 * (1 + std::abs(s))) << m << "x" << n << "x" << k;
      }
  }
}

// The in-place products split over threads (blocks of columns, or of rows in the dot form when the
// output has more rows) give exactly the one-thread result: each element is one thread's whole sum.
TEST(SmallGemm, ThreadsGiveTheOneThreadResult) {
  Generator g(6);
  const int before = kernels::get_num_threads();
  for (const auto& [m, n, k, tb] : std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, bool>>{
           {6, 50176, 25, false}, {16, 6400, 150, false}, {6, 25, 50176, true}, {150, 16, 6400, true}}) {
    const Tensor a = randn(Shape{m, k}, Dtype::Float32, &g);
    const Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, Dtype::Float32, &g);
    Tensor one = zeros(Shape{m, n}), three = zeros(Shape{m, n});
    kernels::set_num_threads(1);
    kernels::gemm(a, false, b, tb, one, 1.0, 0.0);
    kernels::set_num_threads(3);
    kernels::gemm(a, false, b, tb, three, 1.0, 0.0);
    for (std::int64_t i = 0; i < m * n; ++i)
      ASSERT_EQ(one.at(i), three.at(i)) << m << "x" << n << "x" << k << " at " << i;
  }
  kernels::set_num_threads(before);
}

// The hand-vectorized 2 x 2 max pooling (float32) against the general loop (float64, same values):
// ragged widths, odd sizes, ties, -inf and NaN.
TEST(SimdMaxPool, TwoByTwoMatchesTheGeneralLoop) {
  Generator g(8);
  for (const auto& [h, w] : std::vector<std::pair<std::int64_t, std::int64_t>>{{28, 28}, {7, 9}, {4, 66}, {3, 2}}) {
    Tensor x = uniform(Shape{2, 3, h, w}, -1, 1, Dtype::Float32, &g);
    float* p = x.data<float>();
    for (std::int64_t i = 0; i < x.numel(); i += 5) p[i] = std::round(p[i]);  // ties
    p[1] = -INFINITY;
    p[x.numel() / 2] = NAN;
    const auto fast = kernels::max_pool2d(x, {2, 2, 0, 1});
    const auto general = kernels::max_pool2d(x.to(Dtype::Float64), {2, 2, 0, 1});
    const auto fv = fast.output.to_vector(), gv = general.output.to_vector();
    ASSERT_EQ(fv.size(), gv.size());
    for (std::size_t i = 0; i < fv.size(); ++i) {
      EXPECT_TRUE(fv[i] == gv[i] || (std::isnan(fv[i]) && std::isnan(gv[i]))) << h << "x" << w << " at " << i;
      EXPECT_EQ(fast.indices.at(static_cast<std::int64_t>(i)), general.indices.at(static_cast<std::int64_t>(i)))
          << h << "x" << w << " at " << i;
    }
  }
}

// float32 convolution (masked row copies, skinny products) against float64, forward and backward.
TEST(SimdConv, Float32AgreesWithFloat64) {
  Generator g(9);
  for (const auto& [stride, padding] : std::vector<std::pair<Size2, Size2>>{{1, 2}, {1, 0}, {2, 1}, {{1, 2}, {0, 3}}}) {
    const Tensor x = uniform(Shape{3, 2, 19, 23}, -1, 1, Dtype::Float64, &g);
    const Tensor w = uniform(Shape{4, 2, 5, 3}, -1, 1, Dtype::Float64, &g);
    const Tensor b = uniform(Shape{4}, -1, 1, Dtype::Float64, &g);
    const auto r64 = kernels::conv2d(x, w, b, stride, padding, 1);
    const auto r32 =
        kernels::conv2d(x.to(Dtype::Float32), w.to(Dtype::Float32), b.to(Dtype::Float32), stride, padding, 1);
    const auto d64 = kernels::conv2d_backward(r64, x, w, stride, padding, 1, true, true, true);
    const auto d32 =
        kernels::conv2d_backward(r32, x.to(Dtype::Float32), w.to(Dtype::Float32), stride, padding, 1, true, true, true);
    for (const auto& [got, want] : std::vector<std::pair<Tensor, Tensor>>{
             {r32, r64}, {d32.input, d64.input}, {d32.weight, d64.weight}, {d32.bias, d64.bias}}) {
      const auto gv = got.to_vector(), wv = want.to_vector();
      ASSERT_EQ(gv.size(), wv.size());
      for (std::size_t i = 0; i < gv.size(); ++i) ASSERT_NEAR(gv[i], wv[i], 1e-4 * (1 + std::abs(wv[i]))) << i;
    }
  }
}

}  // namespace
}  // namespace descent
