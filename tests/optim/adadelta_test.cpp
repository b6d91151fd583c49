// Adadelta against two steps derived by hand from torch.optim.Adadelta's update (see adadelta.hpp):
//   v <- rho v + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(v + eps) g;  u <- rho u + (1 - rho) d^2;  p <- p - lr d
// on f = 1/2 p^2 (g = p).
#include "descent/optim/adadelta.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "optim/half_square.hpp"

namespace descent::optim {
namespace {

using testing::steps_on_half_square;

TEST(Adadelta, TwoSteps) {
  // rho = 0.5, eps = 1: v1 = 0.5 * 4 = 2, d1 = sqrt(0 + 1) / sqrt(2 + 1) * 2 = 2/sqrt(3), p1 = 2 - 2/sqrt(3);
  // u1 = 0.5 * 4/3 = 2/3; v2 = 1 + 0.5 p1^2, d2 = sqrt(2/3 + 1) / sqrt(v2 + 1) * p1, p2 = p1 - d2
  const auto p = steps_on_half_square<Adadelta>(AdadeltaOptions{.rho = 0.5, .eps = 1}, 2.0);
  const double p1 = 2 - 2 / std::sqrt(3.0);  // 0.845299...
  const double v2 = 1 + 0.5 * p1 * p1;
  EXPECT_NEAR(p[0], p1, 1e-15);
  EXPECT_NEAR(p[1], p1 - std::sqrt(5.0 / 3) / std::sqrt(v2 + 1) * p1, 1e-15);  // 0.0698...
}

TEST(Adadelta, LearningRateScalesTheStep) {
  // the paper's rule is lr = 1; lr = 0.5 halves the first step: p1 = 2 - 0.5 * 2/sqrt(3)
  const auto p = steps_on_half_square<Adadelta>(AdadeltaOptions{.lr = 0.5, .rho = 0.5, .eps = 1}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 - 1 / std::sqrt(3.0), 1e-15);
}

TEST(Adadelta, WeightDecayAndMaximize) {
  // maximize, weight_decay = 1: g = -p + p = 0 at every step, so p never moves
  const auto p = steps_on_half_square<Adadelta>(AdadeltaOptions{.eps = 1, .weight_decay = 1, .maximize = true}, 2.0);
  EXPECT_EQ(p[0], 2.0);
  EXPECT_EQ(p[1], 2.0);
}

TEST(Adadelta, MaximizeClimbs) {
  // g = -2: v1 = 2, d1 = -2/sqrt(3), p1 = 2 + 2/sqrt(3)
  const auto p = steps_on_half_square<Adadelta>(AdadeltaOptions{.rho = 0.5, .eps = 1, .maximize = true}, 2.0, 1);
  EXPECT_NEAR(p[0], 2 + 2 / std::sqrt(3.0), 1e-15);
}

TEST(Adadelta, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  EXPECT_THROW(Adadelta(std::vector<Tensor>{p}, {.lr = -1}), OptionError);
  EXPECT_THROW(Adadelta(std::vector<Tensor>{p}, {.eps = -1}), OptionError);
  EXPECT_THROW(Adadelta(std::vector<Tensor>{p}, {.weight_decay = -1}), OptionError);
  try {
    Adadelta(std::vector<Tensor>{p}, {.rho = 1.5});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "Adadelta: rho = 1.5: expected 0 <= rho <= 1");
  }
}

}  // namespace
}  // namespace descent::optim
