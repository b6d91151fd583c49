// The in-place small-matrix kernels against a naive triple loop, over every layout the autograd
// ops use and sizes that leave ragged edges for every register block and vector width.
#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

template <class T>
void check_gemm(Dtype dtype, double tol) {
  Generator g(11);
  for (const auto [m, n, k] : std::vector<std::array<std::int64_t, 3>>{
           {1, 1, 1}, {10, 30, 784}, {10, 10, 30}, {30, 784, 10}, {7, 13, 17}, {5, 4, 16}, {11, 9, 33}, {3, 50, 2}})
    for (const bool ta : {false, true})
      for (const bool tb : {false, true}) {
        const Tensor a = randn(ta ? Shape{k, m} : Shape{m, k}, dtype, &g);
        const Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, dtype, &g);
        Tensor c = randn(Shape{m, n}, dtype, &g);
        const auto c0 = c.to_vector();
        kernels::gemm(a, ta, b, tb, c, 0.5, 2.0);
        for (std::int64_t i = 0; i < m; ++i)
          for (std::int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::int64_t p = 0; p < k; ++p)
              s += a.at(ta ? p * m + i : i * k + p) * b.at(tb ? j * k + p : p * n + j);
            ASSERT_NEAR(c.at(i * n + j), 0.5 * s + 2.0 * c0[i * n + j], tol * (1 + std::abs(s)))
                << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb << " at " << i << "," << j;
          }
      }
}

TEST(SmallGemm, Float32MatchesNaiveProduct) { check_gemm<float>(Dtype::Float32, 1e-4); }
TEST(SmallGemm, Float64MatchesNaiveProduct) { check_gemm<double>(Dtype::Float64, 1e-12); }

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
