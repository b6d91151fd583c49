// RMSprop against two steps derived by hand from torch.optim.RMSprop's update (see rmsprop.hpp):
//   v <- alpha v + (1 - alpha) g^2;  centered: m <- alpha m + (1 - alpha) g, d = sqrt(v - m^2) + eps;
//   else d = sqrt(v) + eps;  momentum: b <- momentum b + g / d, p <- p - lr b;  else p <- p - lr g / d
// on f = 1/2 p^2 (g = p).
#include "descent/optim/rmsprop.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "optim/half_square.hpp"

namespace descent::optim {
namespace {

using testing::steps_on_half_square;

TEST(RMSprop, TwoSteps) {
  // alpha = 0.5: v1 = 2, p1 = 2 - 0.1 * 2 / sqrt(2) = 2 - 0.1 sqrt(2); v2 = 1 + 0.5 p1^2, p2 = p1 - 0.1 p1 / sqrt(v2)
  const auto p = steps_on_half_square<RMSprop>(RMSpropOptions{.lr = 0.1, .alpha = 0.5, .eps = 0}, 2.0);
  const double p1 = 2 - 0.1 * std::sqrt(2.0);
  EXPECT_NEAR(p[0], p1, 1e-15);
  EXPECT_NEAR(p[1], p1 - 0.1 * p1 / std::sqrt(1 + 0.5 * p1 * p1), 1e-15);
}

TEST(RMSprop, EpsIsAddedOutsideTheSquareRoot) {
  // alpha = 0.5, eps = 1: v1 = 2, p1 = 2 - 0.1 * 2 / (sqrt(2) + 1)
  const auto p = steps_on_half_square<RMSprop>(RMSpropOptions{.lr = 0.1, .alpha = 0.5, .eps = 1}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 - 0.2 / (std::sqrt(2.0) + 1), 1e-15);
}

TEST(RMSprop, Centered) {
  // alpha = 0.5: v1 = 2, m1 = 1, d1 = sqrt(2 - 1) = 1, p1 = 2 - 0.1 * 2 = 1.8;
  // v2 = 1 + 0.5 * 3.24 = 2.62, m2 = 0.5 + 0.9 = 1.4, d2 = sqrt(2.62 - 1.96) = sqrt(0.66), p2 = 1.8 - 0.18 / sqrt(0.66)
  const auto p =
      steps_on_half_square<RMSprop>(RMSpropOptions{.lr = 0.1, .alpha = 0.5, .eps = 0, .centered = true}, 2.0);
  EXPECT_NEAR(p[0], 1.8, 1e-15);
  EXPECT_NEAR(p[1], 1.8 - 0.18 / std::sqrt(0.66), 1e-14);
}

TEST(RMSprop, Momentum) {
  // alpha = 0.5, momentum = 0.9: b1 = 2 / sqrt(2) = sqrt(2), p1 = 2 - 0.1 sqrt(2);
  // b2 = 0.9 sqrt(2) + p1 / sqrt(1 + 0.5 p1^2), p2 = p1 - 0.1 b2
  const auto p = steps_on_half_square<RMSprop>(RMSpropOptions{.lr = 0.1, .alpha = 0.5, .eps = 0, .momentum = 0.9}, 2.0);
  const double p1 = 2 - 0.1 * std::sqrt(2.0);
  const double b2 = 0.9 * std::sqrt(2.0) + p1 / std::sqrt(1 + 0.5 * p1 * p1);
  EXPECT_NEAR(p[0], p1, 1e-15);
  EXPECT_NEAR(p[1], p1 - 0.1 * b2, 1e-15);
}

TEST(RMSprop, WeightDecayAndMaximize) {
  // maximize, weight_decay = 0.5: g = -p + 0.5 p = -1 at p = 2, v1 = 0.5, p1 = 2 + 0.1 / sqrt(0.5)
  const auto p = steps_on_half_square<RMSprop>(
      RMSpropOptions{.lr = 0.1, .alpha = 0.5, .eps = 0, .weight_decay = 0.5, .maximize = true}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 + 0.1 / std::sqrt(0.5), 1e-15);
}

TEST(RMSprop, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_THROW(RMSprop(std::vector<Tensor>{p}, {.lr = -1}), OptionError);
  EXPECT_THROW(RMSprop(std::vector<Tensor>{p}, {.alpha = -0.5}), OptionError);
  EXPECT_THROW(RMSprop(std::vector<Tensor>{p}, {.eps = -1}), OptionError);
  EXPECT_THROW(RMSprop(std::vector<Tensor>{p}, {.weight_decay = -1}), OptionError);
  try {
    RMSprop(std::vector<Tensor>{p}, {.momentum = -0.9});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "RMSprop: momentum = -0.9: expected momentum >= 0");
  }
}

}  // namespace
}  // namespace descent::optim
