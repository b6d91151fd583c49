// AdamW against two steps derived by hand from torch.optim.AdamW's update (see adamw.hpp):
//   p <- p (1 - lr weight_decay), then Adam's step from the gradient taken before the decay,
// on f = 1/2 p^2 (g = p).
#include "descent/optim/adamw.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "optim/half_square.hpp"

namespace descent::optim {
namespace {

using testing::steps_on_half_square;

TEST(AdamW, TwoSteps) {
  // lr 0.1, weight_decay 0.5: decay p <- 2 * 0.95 = 1.9, then Adam's first step of lr: p1 = 1.8;
  // g2 = 1.8, decay 1.8 * 0.95 = 1.71, m2 = 0.18 + 0.18 = 0.36, v2 = 0.999 * 0.004 + 0.001 * 3.24 = 0.007236,
  // p2 = 1.71 - 0.1 / 0.19 * 0.36 / (sqrt(0.007236) / sqrt(0.001999))
  const auto p = steps_on_half_square<AdamW>(AdamWOptions{.lr = 0.1, .eps = 0, .weight_decay = 0.5}, 2.0);
  EXPECT_NEAR(p[0], 1.8, 1e-15);
  EXPECT_NEAR(p[1], 1.71 - 0.1 / 0.19 * 0.36 / (std::sqrt(0.007236) / std::sqrt(0.001999)), 1e-13);
}

TEST(AdamW, WithoutDecayItIsAdam) {
  const auto w = steps_on_half_square<AdamW>(AdamWOptions{.lr = 0.1, .weight_decay = 0, .amsgrad = true}, 2.0, 5);
  const auto a = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .amsgrad = true}, 2.0, 5);
  EXPECT_EQ(w, a);
}

TEST(AdamW, DecayIsNotRescaledByTheSecondMoment) {
  // Adam + L2 with the same weight_decay takes a first step of exactly lr (m/sqrt(v) = sign); AdamW's
  // first step is lr plus the decay lr * weight_decay * p0 = 0.1: p1 = 2 - 0.1 - 0.1 = 1.8 (as above)
  const auto adam = steps_on_half_square<Adam>(AdamOptions{.lr = 0.1, .eps = 0, .weight_decay = 0.5}, 2.0, 1);
  const auto adamw = steps_on_half_square<AdamW>(AdamWOptions{.lr = 0.1, .eps = 0, .weight_decay = 0.5}, 2.0, 1);
  EXPECT_NEAR(adam[0], 1.9, 1e-15);
  EXPECT_NEAR(adamw[0], 1.8, 1e-15);
}

TEST(AdamW, DefaultWeightDecay) {
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_EQ(AdamW(std::vector<Tensor>{p}).options().weight_decay, 1e-2);
  EXPECT_EQ(Adam(std::vector<Tensor>{p}).options().weight_decay, 0.0);
}

TEST(AdamW, MaximizeClimbs) {
  // decay 2 * 0.95 = 1.9, then the ascent step +0.1: p1 = 2.0
  const auto p =
      steps_on_half_square<AdamW>(AdamWOptions{.lr = 0.1, .eps = 0, .weight_decay = 0.5, .maximize = true}, 2.0, 1);
  EXPECT_NEAR(p[0], 2.0, 1e-15);
}

TEST(AdamW, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  try {
    AdamW(std::vector<Tensor>{p}, {.betas = {0.9, -0.1}});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "AdamW: betas[1] = -0.1: expected 0 <= beta < 1");
  }
  EXPECT_THROW(AdamW(std::vector<Tensor>{p}, {.weight_decay = -1}), OptionError);
}

}  // namespace
}  // namespace descent::optim
