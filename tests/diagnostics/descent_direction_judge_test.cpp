// The descent-direction check's verdict on hand-made probe results: which measurements are failures,
// which warnings, and the exact sentence each gives.
#include "descent/diagnostics/descent_direction_judge.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace descent::diagnostics {
namespace {

struct Step {
  double factor, predicted, actual;
};

// Probes at lr 0.1 from a loss of 2: `steps` (the probes, then the configured step) and one parameter,
// "0.weight", with `cosine`, g . d `predicted` at the smallest probe and the changes `alone` when it
// alone moves at each probe.
DirectionProbes probes(const std::vector<Step>& steps, double cosine, double predicted, std::vector<double> alone) {
  DirectionProbes p;
  p.measured.loss = 2;
  p.measured.lr = 0.1;
  for (const Step& s : steps)
    p.measured.steps.push_back(
        {.factor = s.factor, .lr = 0.1 * s.factor, .predicted = s.predicted, .actual = s.actual});
  p.measured.parameters.push_back(
      {.name = "0.weight", .cosine = cosine, .predicted = predicted, .actual = alone.back()});
  p.alone_actual = {std::move(alone)};
  p.suspects = {{}};
  p.moved = true;
  return p;
}

TEST(DescentDirectionJudge, DownhillEverywherePasses) {
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, -1e-3}, {1e-4, -1e-4, -1e-4}, {1, -1, -0.9}}, 1.0, -1e-4, {-1e-3, -1e-4}), 1e-12);
  EXPECT_TRUE(r.passed());
  EXPECT_TRUE(r.warnings.empty());
  for (const auto& s : r.steps) EXPECT_EQ(s.status, CheckStatus::Ok);
  EXPECT_EQ(r.parameters[0].status, CheckStatus::Ok);
}

TEST(DescentDirectionJudge, UphillCosineIsAFailureNamingTheParameter) {
  const auto r = judge_descent_direction(
      probes({{1e-3, 1e-3, 1e-3}, {1e-4, 1e-4, 1e-4}, {1, 1, 1.2}}, -0.5, 1e-4, {1e-3, 1e-4}), 1e-12);
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0],
            "0.weight: the update goes uphill: the optimizer moves 0.weight along +g instead of -g (cosine -0.500 "
            "between the update and -g), a sign error in the optimizer's update such as maximize = true.");
  EXPECT_EQ(r.parameters[0].status, CheckStatus::Failure);
  // Every probe rises: each probe row fails, without a sentence of its own (the parameter's says it).
  EXPECT_EQ(r.steps[0].status, CheckStatus::Failure);
  EXPECT_EQ(r.steps[1].status, CheckStatus::Failure);
  EXPECT_EQ(r.steps[2].status, CheckStatus::Warning);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(DescentDirectionJudge, UphillCosineOnlyThroughWeightDecayIsAWarning) {
  DirectionProbes p = probes({{1e-3, -1e-3, -1e-3}, {1e-4, -1e-4, -1e-4}, {1, -1, -0.9}}, -0.05, 1e-6, {1e-5, 1e-6});
  p.measured.parameters[0].cosine_without_decay = 0.6;
  const auto r = judge_descent_direction(p, 1e-12);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.parameters[0].status, CheckStatus::Warning);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "0.weight: the update moves 0.weight against -g (cosine -0.050) only through weight decay (cosine 0.600 "
            "without it): the decay outweighs the gradient, and a smaller weight_decay lets the data move it.");
  // uphill without the decay too: the sign is wrong, a failure
  p.measured.parameters[0].cosine_without_decay = -0.4;
  EXPECT_EQ(judge_descent_direction(p, 1e-12).parameters[0].status, CheckStatus::Failure);
}

TEST(DescentDirectionJudge, GradientPointingUphillNamesTheCustomFunctionsAboveIt) {
  DirectionProbes p = probes({{1e-3, -1e-3, 2e-3}, {1e-4, -1e-4, 2e-4}, {1, -1, 3}}, 1.0, -1e-5, {2e-3, 2e-4});
  p.suspects = {{"custom_tanh"}};
  const auto r = judge_descent_direction(std::move(p), 1e-12);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0],
            "0.weight: the update goes uphill: moving 0.weight alone by its update at lr x 0.0001 (1e-05) raises the "
            "loss by 2.000e-04 where g . d = -1.000e-05 predicts a fall, so the gradient reaching it points uphill: a "
            "sign error in a backward; the custom function on its path: custom_tanh.");
}

TEST(DescentDirectionJudge, WholeStepUphillWithNoParameterToBlame) {
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, 1e-3}, {1e-4, -1e-4, 1e-4}, {1, -1, 1}}, 1.0, -1e-4, {-1e-3, -1e-4}), 1e-12);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0],
            "the update goes uphill: one step of every parameter at lr x 0.0001 (1e-05) raises the loss by 1.000e-04 "
            "where g . d = -1.000e-04 (no single parameter does it alone: the tensors' updates work against each "
            "other).");
}

TEST(DescentDirectionJudge, RiseOnlyAtTheConfiguredLrIsAWarning) {
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, -1e-3}, {1e-4, -1e-4, -1e-4}, {1, -1, 0.5}}, 1.0, -1e-4, {-1e-3, -1e-4}), 1e-12);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "one step at the configured lr (0.1) raises the loss from 2 to 2.5 although smaller steps lower it: the "
            "step is too large for this batch (not the wrong way); a smaller lr may train better.");
  EXPECT_EQ(r.steps[2].status, CheckStatus::Warning);
  EXPECT_EQ(r.steps[0].status, CheckStatus::Ok);
}

TEST(DescentDirectionJudge, RiseAtALargerProbeOnlyIsAWarning) {
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, 1e-3}, {1e-4, -1e-4, -1e-4}, {1, -1, 0.5}}, 1.0, -1e-4, {-1e-3, -1e-4}), 1e-12);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0],
            "one step at lr x 0.001 (0.0001) raises the loss by 1.000e-03 although smaller steps lower it: the "
            "configured lr is far too large for this batch.");
  EXPECT_EQ(r.steps[0].status, CheckStatus::Warning);
}

TEST(DescentDirectionJudge, ChangesWithinTheToleranceAreRounding) {
  // A rise of 1e-13 from a loss of 2 is below 1e-12 * 2.
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, -1e-3}, {1e-4, -1e-4, -1e-4}, {1, -1, 1e-13}}, 1.0, -1e-4, {-1e-3, -1e-4}), 1e-12);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(DescentDirectionJudge, NothingMovedIsAWarning) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  DirectionProbes p = probes({{1e-3, 0, 0}, {1e-4, 0, 0}, {1, 0, 0}}, nan, 0, {0, 0});
  p.moved = false;
  const auto r = judge_descent_direction(std::move(p), 1e-12);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "the update does not move any parameter: the gradient is zero on this batch.");
}

TEST(DescentDirectionJudge, WrongScaleIsAWarning) {
  const auto r = judge_descent_direction(
      probes({{1e-3, -1e-3, -1e-2}, {1e-4, -1e-4, -1e-3}, {1, -1, -0.5}}, 1.0, -1e-4, {-1e-2, -1e-3}), 1e-12);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "at lr x 0.0001 (1e-05) the loss changes by 10 times what g . d predicts: the gradient's scale is wrong "
            "(the gradient check shows where).");
}

TEST(DescentDirectionJudge, ProbeLabels) {
  EXPECT_EQ(probe_label(1), "configured lr");
  EXPECT_EQ(probe_label(1e-3), "lr x 0.001");
}

}  // namespace
}  // namespace descent::diagnostics
