// pairwise_distance and cosine_similarity against numbers derived by hand from the formulas in
// descent/nn/distance.hpp, including PyTorch 1.13's eps conventions.
#include "descent/nn/distance.hpp"

#include <cmath>

#include "losses/loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(PairwiseDistance, IsTheNormOfTheDifferencePlusEps) {
  // rows [3, 4] - [0, 0] and [1, 1] - [1, 1]: with eps = 0, [5, 0]; p = 1: [7, 0]
  Tensor x1 = leaf({3, 4, 1, 1}, {2, 2});
  const Tensor x2 = f64({0, 0, 1, 1}, {2, 2});
  expect_near(pairwise_distance(x1, x2, 2, 0).to_vector(), {5, 0});
  expect_near(pairwise_distance(x1, x2, 1, 0).to_vector(), {7, 0});
  EXPECT_EQ(to_string(pairwise_distance(x1, x2, 2, 0, true).shape()), "[2, 1]");
  // the default eps = 1e-6 goes into the difference: identical rows are 1e-6 sqrt 2 apart
  expect_near(pairwise_distance(x1, x2).to_vector(), {std::hypot(3 + 1e-6, 4 + 1e-6), 1e-6 * std::sqrt(2.0)}, 1e-15);
  // d/dx1 = (x1 - x2) / d, and 0 (not NaN) where the difference is 0
  pairwise_distance(x1, x2, 2, 0).sum().backward();
  expect_near(x1.grad().to_vector(), {0.6, 0.8, 0, 0});
  // p = 3: (3^3 + 4^3)^(1/3)
  EXPECT_NEAR(pairwise_distance(f64({3, 4}), f64({0, 0}), 3, 0).item(), std::cbrt(91.0), 1e-15);
}

TEST(PairwiseDistance, RejectsBadArguments) {
  expect_error<ValueError>([] { pairwise_distance(f64({1}), f64({1}), 0.5); }, "p = 0.5: expected a finite p >= 1");
  expect_error<ShapeError>([] { pairwise_distance(f64({1, 2}), f64({1, 2, 3})); }, "do not broadcast");
}

TEST(CosineSimilarity, IsTheDotProductOfTheNormalizedVectors) {
  // [1, 0] . [1, 1] / (1 * sqrt 2) = 1/sqrt 2; d/dx1 = x2/(|x1||x2|) - cos x1/|x1|^2 = [0, 1/sqrt 2]
  Tensor x1 = leaf({1, 0}, {1, 2});
  const Tensor x2 = f64({1, 1}, {1, 2});
  Tensor c = cosine_similarity(x1, x2);
  EXPECT_NEAR(c.item(), 1 / std::sqrt(2.0), 1e-15);
  c.sum().backward();
  expect_near(x1.grad().to_vector(), {0, 1 / std::sqrt(2.0)}, 1e-15);
  // along dim 0, columns [1, 1] and [0, 1]
  expect_near(cosine_similarity(f64({1, 0, 1, 1}, {2, 2}), f64({1, 0, 1, 1}, {2, 2}), 0).to_vector(), {1, 1}, 1e-15);
}

TEST(CosineSimilarity, ClampsEachNormAtEpsAsPyTorch113) {
  // PyTorch 1.13 divides by max(|x1|, eps) max(|x2|, eps), not max(|x1||x2|, eps): two parallel
  // vectors of norm 1e-5 (product 1e-10 < eps = 1e-8) still have cosine 1, not 1e-10 / 1e-8 = 0.01
  EXPECT_NEAR(cosine_similarity(f64({1e-5, 0}, {1, 2}), f64({1e-5, 0}, {1, 2})).item(), 1.0, 1e-15);
  // a norm below eps is clamped: |x1| = 1e-9 -> 1e-9 / 1e-8 = 0.1
  EXPECT_NEAR(cosine_similarity(f64({1e-9, 0}, {1, 2}), f64({1, 0}, {1, 2})).item(), 0.1, 1e-15);
  // a zero vector has cosine 0 and a finite gradient
  Tensor z = leaf({0, 0}, {1, 2});
  Tensor c = cosine_similarity(z, f64({1, 0}, {1, 2}));
  EXPECT_EQ(c.item(), 0.0);
  c.sum().backward();
  EXPECT_TRUE(kernels::all_finite(z.grad()));
}

}  // namespace
}  // namespace descent::nn
