// Adagrad against two steps derived by hand from torch.optim.Adagrad's update (see adagrad.hpp):
//   s <- s + g^2;  p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps),  on f = 1/2 p^2 (g = p)
#include "descent/optim/adagrad.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "optim/half_square.hpp"

namespace descent::optim {
namespace {

using testing::steps_on_half_square;

TEST(Adagrad, TwoSteps) {
  // s1 = 4, p1 = 2 - 0.1 * 2 / 2 = 1.9; s2 = 4 + 1.9^2 = 7.61, p2 = 1.9 - 0.1 * 1.9 / sqrt(7.61)
  const auto p = steps_on_half_square<Adagrad>(AdagradOptions{.lr = 0.1, .eps = 0}, 2.0);
  EXPECT_NEAR(p[0], 1.9, 1e-15);
  EXPECT_NEAR(p[1], 1.9 - 0.19 / std::sqrt(7.61), 1e-15);  // 1.83112...
}

TEST(Adagrad, LrDecayAndInitialAccumulator) {
  // from p0 = 6 with s0 = 108: s1 = 108 + 36 = 144, p1 = 6 - 2 * 6 / 12 = 5;
  // s2 = 144 + 25 = 169, clr = 2 / (1 + 1 * 0.25) = 1.6, p2 = 5 - 1.6 * 5 / 13 = 57/13
  const auto p = steps_on_half_square<Adagrad>(
      AdagradOptions{.lr = 2, .lr_decay = 0.25, .initial_accumulator_value = 108, .eps = 0}, 6.0);
  EXPECT_NEAR(p[0], 5.0, 1e-15);
  EXPECT_NEAR(p[1], 57.0 / 13, 1e-15);
}

TEST(Adagrad, EpsIsAddedOutsideTheSquareRoot) {
  // p1 = 2 - 0.1 * 2 / (sqrt(4) + 1) = 2 - 0.2/3; eps inside would give 2 - 0.2/sqrt(5)
  const auto p = steps_on_half_square<Adagrad>(AdagradOptions{.lr = 0.1, .eps = 1}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 - 0.2 / 3, 1e-15);
}

TEST(Adagrad, WeightDecayAndMaximize) {
  // maximize climbs: g = -p + 0.5 p = -1 (at p = 2), s1 = 1, p1 = 2 - 0.1 * (-1) / 1 = 2.1;
  // g2 = -1.05, s2 = 1 + 1.1025 = 2.1025 = 1.45^2, p2 = 2.1 + 0.1 * 1.05 / 1.45
  const auto p =
      steps_on_half_square<Adagrad>(AdagradOptions{.lr = 0.1, .weight_decay = 0.5, .eps = 0, .maximize = true}, 2.0);
  EXPECT_NEAR(p[0], 2.1, 1e-15);
  EXPECT_NEAR(p[1], 2.1 + 0.105 / 1.45, 1e-15);
}

TEST(Adagrad, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_THROW(Adagrad(std::vector<Tensor>{p}, {.lr = -1}), OptionError);
  EXPECT_THROW(Adagrad(std::vector<Tensor>{p}, {.lr_decay = -1}), OptionError);
  EXPECT_THROW(Adagrad(std::vector<Tensor>{p}, {.initial_accumulator_value = -1}), OptionError);
  try {
    Adagrad(std::vector<Tensor>{p}, {.eps = -1e-10});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "Adagrad: eps = -1e-10: expected eps >= 0");
    EXPECT_EQ(e.option(), "eps");
  }
}

}  // namespace
}  // namespace descent::optim
