// Loss values and gradients against numbers derived by hand from each documented formula.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

using V = std::vector<double>;

void expect_near(const V& a, const V& b, double tol = 1e-12) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "at " << i;
}

TEST(MSELoss, ReductionsMatchTheFormula) {
  // x = [1, 2, 3], y = [0, 2, 5]: (x - y)^2 = [1, 0, 4]; mean 5/3, sum 5; d mean/dx = 2 (x - y) / 3
  const Tensor y = tensor({0, 2, 5}, Dtype::Float64);
  Tensor x = tensor({1, 2, 3}, Dtype::Float64).requires_grad_();
  Tensor l = MSELoss{}(x, y);
  EXPECT_NEAR(l.item(), 5.0 / 3.0, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {2.0 / 3.0, 0.0, -4.0 / 3.0});
  EXPECT_DOUBLE_EQ(mse_loss(x, y, Reduction::Sum).item(), 5.0);
  EXPECT_EQ(mse_loss(x, y, Reduction::None).to_vector(), (V{1, 0, 4}));
  EXPECT_THROW(mse_loss(x, tensor({1, 2}, Dtype::Float64)), ShapeError);
}

TEST(QuadraticCost, IsNielsensHalfSquaredNormAveragedOverTheBatch) {
  // a = [[0.5, 0.2], [0.1, 0.9]], y = [[1, 0], [0, 1]]
  // per sample 1/2 |a - y|^2 = 1/2 (0.25 + 0.04) = 0.145 and 1/2 (0.01 + 0.01) = 0.01; mean 0.0775
  // dC/da = (a - y) / n
  Tensor a = from_vector(V{0.5, 0.2, 0.1, 0.9}, Shape{2, 2}, Dtype::Float64).requires_grad_();
  const Tensor y = from_vector(V{1, 0, 0, 1}, Shape{2, 2}, Dtype::Float64);
  Tensor c = quadratic_cost(a, y);
  EXPECT_NEAR(c.item(), 0.0775, 1e-15);
  c.backward();
  expect_near(a.grad().to_vector(), {-0.25, 0.1, 0.05, -0.05});
}

TEST(CrossEntropyLoss, MatchesLogSumExpMinusTheTargetLogit) {
  // row 0: logits [1, 2, 3], target 2: log(e + e^2 + e^3) - 3 = log(1 + e^-1 + e^-2)
  // row 1: logits [1, 1, 1], target 0: log 3
  Tensor x = from_vector(V{1, 2, 3, 1, 1, 1}, Shape{2, 3}, Dtype::Float64).requires_grad_();
  const Tensor t = from_vector(std::vector<std::int64_t>{2, 0}, Shape{2});
  const double l0 = std::log(1 + std::exp(-1.0) + std::exp(-2.0)), l1 = std::log(3.0);
  Tensor l = CrossEntropyLoss{}(x, t);
  EXPECT_NEAR(l.item(), (l0 + l1) / 2, 1e-15);
  l.backward();
  // d/dx = (softmax(x) - onehot) / 2
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expect_near(x.grad().to_vector(), {std::exp(1.0) / z / 2, std::exp(2.0) / z / 2, (std::exp(3.0) / z - 1) / 2,
                                     (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6});
  expect_near(cross_entropy(x, t, Reduction::None).to_vector(), {l0, l1});
  EXPECT_NEAR(cross_entropy(x, t, Reduction::Sum).item(), l0 + l1, 1e-15);
}

TEST(CrossEntropyLoss, StableForLargeLogits) {
  Tensor x = from_vector(V{1000, 0, -1000}, Shape{1, 3}, Dtype::Float64).requires_grad_();
  Tensor l = cross_entropy(x, from_vector(std::vector<std::int64_t>{1}, Shape{1}));
  EXPECT_NEAR(l.item(), 1000.0, 1e-9);
  l.backward();
  EXPECT_TRUE(kernels::all_finite(x.grad()));
}

TEST(CrossEntropyLoss, RejectsBadTargets) {
  const Tensor x = zeros(Shape{2, 3}, Dtype::Float64);
  try {
    cross_entropy(x, from_vector(std::vector<std::int64_t>{0, 3}, Shape{2}));
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("target[1] = 3 is not a class index in [0, 3)"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(cross_entropy(x, from_vector(std::vector<std::int64_t>{0}, Shape{1})), ShapeError);
  EXPECT_THROW(cross_entropy(x, tensor({0, 1})), ValueError);  // float targets
}

TEST(NLLLoss, PicksTheNegatedLogProbability) {
  const Tensor lp = from_vector(V{-0.5, -1.5, -2.5, -0.1}, Shape{2, 2}, Dtype::Float64);
  EXPECT_NEAR(nll_loss(lp, from_vector(std::vector<std::int64_t>{1, 0}, Shape{2})).item(), (1.5 + 2.5) / 2, 1e-15);
}

TEST(LossGradcheck, EveryLossPassesInFloat64) {
  Generator gen(5);
  const Tensor t = from_vector(std::vector<std::int64_t>{2, 0, 1}, Shape{3});
  const Tensor target = rand(Shape{3, 4}, Dtype::Float64, &gen);
  const std::vector<Tensor> x = {randn(Shape{3, 4}, Dtype::Float64, &gen)};
  for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
    EXPECT_TRUE(gradcheck([&](auto& v) { return mse_loss(v[0], target, r); }, x).passed) << to_string(r);
    EXPECT_TRUE(gradcheck(
                    [&](auto& v) {
                      return cross_entropy(v[0].slice(0, 3).reshape(Shape{3, 4}).slice(0, 3), t, r);
                    },
                    x)
                    .passed);
    EXPECT_TRUE(gradcheck([&](auto& v) { return nll_loss(log_softmax(v[0], 1), t, r); }, x).passed);
  }
  EXPECT_TRUE(gradcheck([&](auto& v) { return quadratic_cost(sigmoid(v[0]), target); }, x).passed);
  // the target's gradient too
  EXPECT_TRUE(gradcheck([&](auto& v) { return mse_loss(v[0], v[1]); }, {x[0], target}).passed);
}

}  // namespace
}  // namespace descent::nn
