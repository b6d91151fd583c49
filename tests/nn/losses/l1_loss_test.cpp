// L1Loss, HuberLoss and SmoothL1Loss against numbers derived by hand from the formulas in
// descent/nn/losses/l1_loss.hpp.
#include "descent/nn/losses/l1_loss.hpp"

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(L1Loss, IsTheMeanAbsoluteError) {
  // r = x - y = [1, -3, 0]: |r| = [1, 3, 0], mean 4/3, sum 4; d mean/dx = sign(r) / 3 (0 at r = 0)
  Tensor x = leaf({1, -2, 0.5});
  const Tensor y = f64({0, 1, 0.5});
  Tensor l = L1Loss{}(x, y);
  EXPECT_NEAR(l.item(), 4.0 / 3.0, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {1.0 / 3, -1.0 / 3, 0});
  EXPECT_DOUBLE_EQ(l1_loss(x, y, Reduction::Sum).item(), 4.0);
  expect_near(l1_loss(x, y, {.reduction = Reduction::None}).to_vector(), {1, 3, 0});
}

TEST(HuberLoss, IsQuadraticInsideDeltaAndLinearOutside) {
  // delta = 1, r = [0.5, -3, 0]: [0.5^2 / 2, 1 (3 - 1/2), 0] = [0.125, 2.5, 0], mean 2.625 / 3
  // d/dx = [r, -delta, 0] / 3
  Tensor x = leaf({0.5, -3, 2});
  const Tensor y = f64({0, 0, 2});
  Tensor l = HuberLoss{}(x, y);
  EXPECT_NEAR(l.item(), 0.875, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {0.5 / 3, -1.0 / 3, 0});
  // delta = 2: r = -3 gives 2 (3 - 1) = 4, r = 0.5 still 0.125
  expect_near(huber_loss(x, y, {.delta = 2, .reduction = Reduction::None}).to_vector(), {0.125, 4, 0});
}

TEST(SmoothL1Loss, IsHuberOverBetaAndL1AtBetaZero) {
  // beta = 0.5, r = [0.2, -3]: [0.2^2 / (2 * 0.5), 3 - 0.25] = [0.04, 2.75]; d sum/dx = [r / beta, -1]
  Tensor x = leaf({0.2, -3});
  const Tensor y = f64({0, 0});
  Tensor l = smooth_l1_loss(x, y, {.beta = 0.5, .reduction = Reduction::Sum});
  EXPECT_NEAR(l.item(), 2.79, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {0.4, -1});
  // beta = 1 equals HuberLoss with delta = 1; beta = 0 equals L1Loss
  EXPECT_NEAR(smooth_l1_loss(x, y).item(), huber_loss(x, y).item(), 1e-15);
  EXPECT_NEAR(smooth_l1_loss(x, y, {.beta = 0}).item(), l1_loss(x, y).item(), 1e-15);
}

TEST(AbsoluteErrorLosses, RejectBadShapesAndOptions) {
  const Tensor x = f64({1, 2, 3, 4}, {2, 2}), y = f64({1, 2});
  expect_error<ShapeError>([&] { l1_loss(x, y); }, "L1Loss: input of shape [2, 2] and target of shape [2] differ");
  expect_error<ShapeError>([&] { huber_loss(x, y); }, "HuberLoss: input of shape [2, 2] and target of shape [2]");
  expect_error<ValueError>([&] { huber_loss(x, x, {.delta = -1}); }, "HuberLoss: delta = -1: expected delta > 0");
  expect_error<ValueError>([&] { smooth_l1_loss(x, x, {.beta = -0.5}); },
                           "SmoothL1Loss: beta = -0.5: expected beta >= 0");
}

}  // namespace
}  // namespace descent::nn
