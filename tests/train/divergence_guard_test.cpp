// The divergence rules (train/divergence_guard.hpp), on hand-made loss sequences: below the loss's
// lower bound; past 10 times the mean loss of the first updates (the first 10, or those so far),
// measured from the bound; nothing to rise from at the bound; a resumed run's reference.
#include "descent/train/divergence_guard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include "support/text.hpp"

namespace descent::train {
namespace {

using descent::testing::contains;

TEST(DivergenceGuard, ALossBelowItsLowerBoundStopsAtOnce) {
  DivergenceGuard guard("nll", 0.0);
  const std::string why = guard.check(0, -0.25);
  EXPECT_TRUE(contains(why, "the loss nll = -0.25 at update 0 is below 0, the least nll can be")) << why;
  EXPECT_TRUE(contains(why, "log-probabilities")) << why;
  // Rounding below the bound is no divergence: the margin is 1e-5 max(1, |mean|).
  DivergenceGuard rounding("cross_entropy", 0.0);
  EXPECT_EQ(rounding.check(0, -1e-7), "");
  EXPECT_EQ(rounding.check(1, -9e-6), "");
  EXPECT_NE(rounding.check(2, -2e-5), "");
}

TEST(DivergenceGuard, ARiseToTenTimesTheFirstUpdatesMeanStops) {
  DivergenceGuard guard("cross_entropy", 0.0);
  for (int step = 0; step < 10; ++step) ASSERT_EQ(guard.check(step, step % 2 ? 3.0 : 1.0), "") << step;
  EXPECT_EQ(guard.first_losses(), 10);
  EXPECT_DOUBLE_EQ(guard.first_losses_mean(), 2.0);  // (5 x 1 + 5 x 3) / 10
  // Later losses leave the reference alone: a long low stretch does not make the rule touchy.
  for (int step = 10; step < 100; ++step) ASSERT_EQ(guard.check(step, 0.01), "") << step;
  EXPECT_DOUBLE_EQ(guard.first_losses_mean(), 2.0);
  EXPECT_EQ(guard.check(100, 19.99), "");  // 10 x 2 = 20 is the limit
  const std::string why = guard.check(101, 20.5);
  EXPECT_TRUE(contains(why,
                       "the loss cross_entropy = 20.5 at update 101 is more than 10 times the mean loss of the "
                       "first 10 updates, 2"))
      << why;
}

TEST(DivergenceGuard, ARunExplodingInItsFirstUpdatesIsCaughtThere) {
  // While fewer than 10 updates were made the reference is the mean of those before: 1, then 9, then
  // (1 + 9) / 2 = 5, which 81 passes 10 times over (a linear model at lr 1: the loss x9 an update).
  DivergenceGuard guard("mse", 0.0);
  EXPECT_EQ(guard.check(0, 1.0), "");
  EXPECT_EQ(guard.check(1, 9.0), "");
  const std::string why = guard.check(2, 81.0);
  EXPECT_TRUE(contains(why, "more than 10 times the mean loss of the first 2 updates, 5")) << why;
}

TEST(DivergenceGuard, TheRiseIsMeasuredFromTheBoundAndNeedsSomethingToRiseFrom) {
  // A run starting at its least loss: any positive loss would be "10 times" 0; the rule is off.
  DivergenceGuard at_bound("mse", 0.0);
  for (int step = 0; step < 10; ++step) ASSERT_EQ(at_bound.check(step, 0.0), "");
  EXPECT_EQ(at_bound.check(10, 5.0), "");
  // With a bound b != 0 the excess counts: mean 1.5 over b = 1 is 0.5, so the limit is 1 + 5 = 6.
  DivergenceGuard shifted("shifted", 1.0);
  EXPECT_EQ(shifted.check(0, 1.5), "");
  EXPECT_EQ(shifted.check(1, 5.9), "");
  const std::string why = shifted.check(2, 30.0);
  EXPECT_TRUE(contains(why, "measured from the loss's bound 1")) << why;
  // No bound: 10 times a positive mean; a negative mean has no rise rule.
  const double none = -std::numeric_limits<double>::infinity();
  DivergenceGuard unbounded("gaussian_nll", none);
  EXPECT_EQ(unbounded.check(0, 2.0), "");
  EXPECT_NE(unbounded.check(1, 21.0), "");
  DivergenceGuard negative("gaussian_nll", none);
  EXPECT_EQ(negative.check(0, -3.0), "");
  EXPECT_EQ(negative.check(1, 1e6), "");
}

TEST(DivergenceGuard, AResumedRunKeepsItsReferenceAndNonFiniteLossesAreLeftToTheLoop) {
  DivergenceGuard resumed("cross_entropy", 0.0, 2.3, 10);  // as a checkpoint restores it
  EXPECT_EQ(resumed.check(500, 0.05), "");
  EXPECT_NE(resumed.check(501, 23.5), "");
  DivergenceGuard guard("cross_entropy", 0.0);
  EXPECT_EQ(guard.check(0, std::nan("")), "");
  EXPECT_EQ(guard.check(1, INFINITY), "");
  EXPECT_EQ(guard.first_losses(), 0);
}

}  // namespace
}  // namespace descent::train
