#include "descent/diagnostics/training_monitor.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "descent/descent.hpp"

namespace descent {
namespace {

TEST(TrainingMonitor, ReportsGradientNormAndUpdateRatio) {
  Tensor w = tensor({3.0, 4.0}, Dtype::Float64).requires_grad_();  // |w| = 5
  optim::SGD opt(std::vector<Tensor>{w}, {.lr = 0.1});
  std::ostringstream out;
  TrainingMonitor monitor({{"w", w}}, {.every = 1}, out);
  sum(w * tensor({6.0, 8.0}, Dtype::Float64)).backward();  // grad (6, 8): norm 10; update 0.1 * 10 = 1
  monitor.before_update(0);
  opt.step();
  monitor.after_update(0, 1.5);
  ASSERT_EQ(monitor.last_stats().size(), 1u);
  EXPECT_DOUBLE_EQ(monitor.last_stats()[0].grad_norm, 10.0);
  EXPECT_DOUBLE_EQ(monitor.last_stats()[0].weight_norm, 5.0);
  EXPECT_NEAR(monitor.last_stats()[0].update_ratio(), 0.2, 1e-15);
  EXPECT_EQ(out.str(), "step 0: loss 1.5; per parameter, gradient norm and update/weight: w 1.000e+01 / 2.000e-01\n");
}

TEST(TrainingMonitor, WarnsWhenTheLossRisesOverAWindow) {
  Tensor w = tensor({1.0}).requires_grad_();
  std::ostringstream out;
  TrainingMonitor monitor({{"w", w}}, {.loss_window = 3}, out);
  const double falling[] = {5, 4, 3, 2.5, 2, 1.5};
  for (int i = 0; i < 6; ++i) monitor.after_update(i, falling[i]);
  EXPECT_EQ(monitor.warnings(), 0);
  // steps 5..7 (1.5, 3, 4) average 2.83, above the 2.5 of steps 2..4 (3, 2.5, 2)
  const double rising[] = {3, 4};
  for (int i = 0; i < 2; ++i) monitor.after_update(6 + i, rising[i]);
  EXPECT_EQ(monitor.warnings(), 1);
  EXPECT_NE(out.str().find(
                "warning: step 7: the mean loss of the last 3 steps (2.83333) is above that of the 3 before (2.5)"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace descent
