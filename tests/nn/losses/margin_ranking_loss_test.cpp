// MarginRankingLoss against numbers derived by hand from the formula in
// descent/nn/losses/margin_ranking_loss.hpp.
#include "descent/nn/losses/margin_ranking_loss.hpp"

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(MarginRankingLoss, HingesOnTheSignedScoreDifference) {
  // margin 0.5, x1 = [1, 2, 0], x2 = [2, 1, 0.25], y = [1, 1, -1]:
  // -y (x1 - x2) + 0.5 = [1.5, -0.5, -0.25 + 0.5] -> l = [1.5, 0, 0.25], sum 1.75
  // d/dx1 = -y where active = [-1, 0, 1]; d/dx2 = -d/dx1
  Tensor x1 = leaf({1, 2, 0});
  Tensor x2 = leaf({2, 1, 0.25});
  const Tensor y = f64({1, 1, -1});
  Tensor l = MarginRankingLoss{.margin = 0.5, .reduction = Reduction::Sum}(x1, x2, y);
  EXPECT_NEAR(l.item(), 1.75, 1e-15);
  l.backward();
  expect_near(x1.grad().to_vector(), {-1, 0, 1});
  expect_near(x2.grad().to_vector(), {1, 0, -1});
  // margin 0: only the misordered first pair costs, 1
  EXPECT_NEAR(margin_ranking_loss(x1, x2, y).item(), 1.0 / 3.0, 1e-15);
}

TEST(MarginRankingLoss, RejectsBadTargetsAndShapes) {
  const Tensor x = f64({1, 2, 3});
  expect_error<ValueError>(
      [&] {
        margin_ranking_loss(x, x, f64({1, 0, -1}));
      },
      "MarginRankingLoss: target[1] = 0: expected 1 or -1");
  expect_error<ShapeError>(
      [&] {
        margin_ranking_loss(x, x, f64({1, -1}));
      },
      "MarginRankingLoss: input1 of shape [3] and target of shape [2] differ");
}

}  // namespace
}  // namespace descent::nn
