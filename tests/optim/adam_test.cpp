// Adam against two steps derived by hand from torch.optim.Adam's update (see adam.hpp):
//   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// on f = 1/2 p^2 (g = p).
#include "descent/optim/adam.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "optim/half_square.hpp"

namespace descent::optim {
namespace {

using testing::steps_on_half_square;

TEST(Adam, TwoSteps) {
  // m1 = 0.2, v1 = 0.004: m/(1 - 0.9) = 2, sqrt(v/(1 - 0.999)) = 2, so p1 = 2 - 0.1 = 1.9 (the first step is lr
  // sign(g)); m2 = 0.9 * 0.2 + 0.1 * 1.9 = 0.37, v2 = 0.999 * 0.004 + 0.001 * 3.61 = 0.007606, p2 = 1.9 - 0.1 / 0.19 *
  // 0.37 / (sqrt(0.007606) / sqrt(0.001999))
  const auto p = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .eps = 0}, 2.0);
  EXPECT_NEAR(p[0], 1.9, 1e-15);
  EXPECT_NEAR(p[1], 1.9 - 0.1 / 0.19 * 0.37 / (std::sqrt(0.007606) / std::sqrt(0.001999)), 1e-13);  // 1.80017...
}

TEST(Adam, EpsIsAddedToTheBiasCorrectedRoot) {
  // eps = 1: p1 = 2 - 0.1 * 2 / (2 + 1); with eps next to the uncorrected sqrt(v1) = 0.0632... it would be far smaller
  const auto p = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .eps = 1}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 - 0.2 / 3, 1e-15);
}

TEST(Adam, AmsgradKeepsTheLargestSecondMoment) {
  // betas (0.5, 0.5), lr 1.9: m1 = 1, v1 = 2, p1 = 2 - 1.9 * (1/0.5) / (sqrt(2)/sqrt(0.5)) = 0.1;
  // g2 = 0.1: m2 = 0.5 + 0.05 = 0.55, v2 = 1 + 0.005 = 1.005 < v1, so AMSGrad divides by sqrt(2) where Adam uses
  // sqrt(1.005):
  //   p2 = 0.1 - 1.9 / 0.75 * 0.55 / (sqrt(vmax) / sqrt(0.75))
  const AdamOptions o{.lr = 1.9, .betas = {0.5, 0.5}, .eps = 0};
  const auto plain = steps_on_half_square<Adam>(o, 2.0);
  AdamOptions ams = o;
  ams.amsgrad = true;
  const auto p = steps_on_half_square<Adam>(ams, 2.0);
  EXPECT_NEAR(p[0], 0.1, 1e-15);
  EXPECT_NEAR(p[1], 0.1 - 1.9 / 0.75 * 0.55 / (std::sqrt(2.0) / std::sqrt(0.75)), 1e-14);
  EXPECT_NEAR(plain[1], 0.1 - 1.9 / 0.75 * 0.55 / (std::sqrt(1.005) / std::sqrt(0.75)), 1e-14);
}

TEST(Adam, WeightDecayIsAddedToTheGradient) {
  // weight_decay 0.5: g1 = 3, p1 = 2 - 0.1 = 1.9; g2 = 1.5 * 1.9 = 2.85, m2 = 0.27 + 0.285 = 0.555,
  // v2 = 0.999 * 0.009 + 0.001 * 8.1225 = 0.0171135, p2 = 1.9 - 0.1 / 0.19 * 0.555 / (sqrt(0.0171135) / sqrt(0.001999))
  const auto p = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .eps = 0, .weight_decay = 0.5}, 2.0);
  EXPECT_NEAR(p[0], 1.9, 1e-15);
  EXPECT_NEAR(p[1], 1.9 - 0.1 / 0.19 * 0.555 / (std::sqrt(0.0171135) / std::sqrt(0.001999)), 1e-13);
}

TEST(Adam, MaximizeClimbs) {
  const auto p = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .eps = 0, .maximize = true}, 2.0, 1);
  EXPECT_NEAR(p[0], 2.1, 1e-15);
}

TEST(Adam, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  try {
    Adam(std::vector<Tensor>{p}, {.betas = {1.5, 0.999}});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "Adam: betas[0] = 1.5: expected 0 <= beta < 1");
    EXPECT_EQ(e.option(), "betas");
  }
  EXPECT_THROW(Adam(std::vector<Tensor>{p}, {.betas = {0.9, 1.0}}), OptionError);
  EXPECT_THROW(Adam(std::vector<Tensor>{p}, {.lr = -1e-3}), OptionError);
  EXPECT_THROW(Adam(std::vector<Tensor>{p}, {.eps = -1}), OptionError);
  EXPECT_THROW(Adam(std::vector<Tensor>{p}, {.weight_decay = -1}), OptionError);
}

}  // namespace
}  // namespace descent::optim
