// The descent-direction check: a right model and optimizer go downhill; maximize and a sign-flipped
// backward go uphill and are named; a step too large is a warning, not a failure.
#include "descent/diagnostics/descent_direction.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/util/number_text.hpp"
#include "diagnostics/check_models.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

using testing::Backward;

using descent::testing::contains;

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines)
    if (contains(l, part)) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(DescentDirection, RightModelAndSgdGoDownhill) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1));
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_TRUE(r.warnings.empty()) << r.report();
  EXPECT_DOUBLE_EQ(r.lr, 0.1);
  ASSERT_EQ(r.steps.size(), 3u);  // lr x 1e-3, lr x 1e-4, configured
  EXPECT_DOUBLE_EQ(r.steps[0].lr, 1e-4);
  EXPECT_DOUBLE_EQ(r.steps[2].factor, 1.0);
  for (const auto& s : r.steps) {
    EXPECT_LT(s.predicted, 0);
    EXPECT_LT(s.actual, 0);
  }
  // at the smallest probe the first-order prediction is nearly exact
  EXPECT_NEAR(r.steps[1].actual / r.steps[1].predicted, 1.0, 1e-3);
  ASSERT_EQ(r.parameters.size(), 4u);
  for (const auto& p : r.parameters) {
    EXPECT_NEAR(p.cosine, 1.0, 1e-12) << p.name;  // plain SGD: d = -lr g
    EXPECT_LT(p.actual, 0) << p.name;
    EXPECT_EQ(p.status, CheckStatus::Ok);
  }
}

TEST(DescentDirection, MomentumAndWeightDecayStillGoDownhill) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(
      *model, testing::cross_entropy_loss(), b.inputs, b.targets, [](const optim::NamedParameters& p) {
        return std::make_unique<optim::SGD>(
            p, optim::SGDOptions{.lr = 0.05, .momentum = 0.9, .weight_decay = 1e-4, .nesterov = true});
      });
  EXPECT_TRUE(r.passed()) << r.report();
}

// SGD with weight_decay 100: d = -lr (g + 100 theta), which turns against -g wherever theta . g < 0.
OptimizerFactory sgd_with_decay(bool maximize) {
  return [maximize](const optim::NamedParameters& p) {
    return std::make_unique<optim::SGD>(p, optim::SGDOptions{.lr = 0.1, .weight_decay = 100, .maximize = maximize});
  };
}

TEST(DescentDirection, WeightDecayOutweighingTheGradientIsAWarningNotAnUphillFailure) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r =
      check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, sgd_with_decay(false));
  EXPECT_TRUE(r.passed()) << r.report();
  int against = 0;
  for (const auto& p : r.parameters) {
    EXPECT_NEAR(p.cosine_without_decay, 1.0, 1e-12) << p.name;  // plain SGD without the decay: d = -lr g
    if (p.cosine < 0) {
      ++against;
      EXPECT_EQ(p.status, CheckStatus::Warning) << p.name;
      EXPECT_TRUE(any_contains(r.warnings, p.name + ": the update moves " + p.name + " against -g (cosine " +
                                               util::format_number(p.cosine, ".3f") +
                                               ") only through weight decay (cosine 1.000 without it)"))
          << r.report();
    }
  }
  EXPECT_GE(against, 1) << r.report();  // the case this test is about
  // the same decay with maximize = true still goes uphill without it: a failure, as before
  const auto up =
      check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, sgd_with_decay(true));
  EXPECT_FALSE(up.passed()) << up.report();
  EXPECT_TRUE(any_contains(up.failures, "along +g instead of -g")) << up.report();
}

TEST(DescentDirection, MaximizeGoesUphillAndNamesEachParameter) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets,
                                         testing::sgd(0.1, /*maximize=*/true));
  EXPECT_FALSE(r.passed());
  for (const auto& p : r.parameters) {
    EXPECT_NEAR(p.cosine, -1.0, 1e-12) << p.name;
    EXPECT_EQ(p.status, CheckStatus::Failure) << p.name;
  }
  EXPECT_TRUE(any_contains(r.failures, "0.weight: the update goes uphill: the optimizer moves 0.weight along +g"))
      << joined(r.failures);
  EXPECT_TRUE(any_contains(r.failures, "maximize = true")) << joined(r.failures);
  EXPECT_EQ(r.failures.size(), 4u) << joined(r.failures);
  for (std::size_t k = 0; k < 2; ++k) EXPECT_EQ(r.steps[k].status, CheckStatus::Failure);
  EXPECT_TRUE(contains(r.report(), "FAILED 2.bias: the update goes uphill")) << r.report();
}

TEST(DescentDirection, SignFlippedBackwardGoesUphillForTheParametersBelowIt) {
  auto model = testing::mlp(Backward::SignFlipped);
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1));
  EXPECT_FALSE(r.passed());
  // The optimizer follows its (wrong) gradient faithfully; the loss says it is uphill.
  EXPECT_NEAR(r.parameters[0].cosine, 1.0, 1e-12);
  EXPECT_EQ(r.parameters[0].status, CheckStatus::Failure);
  EXPECT_EQ(r.parameters[1].status, CheckStatus::Failure);
  EXPECT_EQ(r.parameters[2].status, CheckStatus::Ok);  // 2.weight is above the wrong op
  EXPECT_TRUE(any_contains(r.failures, "0.weight: the update goes uphill: moving 0.weight alone"))
      << joined(r.failures);
  EXPECT_TRUE(any_contains(r.failures, "a sign error in a backward; the custom function on its path: custom_tanh."))
      << joined(r.failures);
  EXPECT_FALSE(any_contains(r.failures, "2.weight")) << joined(r.failures);
}

TEST(DescentDirection, SignFlippedLossGoesUphillEverywhere) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::custom_cross_entropy(Backward::SignFlipped), b.inputs,
                                         b.targets, testing::sgd(0.1));
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.failures.size(), 4u) << r.report();
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_GT(r.steps[k].actual, 0);
    EXPECT_EQ(r.steps[k].status, CheckStatus::Failure);
  }
}

TEST(DescentDirection, TooLargeAStepIsAWarningOnly) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(500));
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_GT(r.steps.back().actual, 0);
  EXPECT_EQ(r.steps.back().status, CheckStatus::Warning);
  EXPECT_TRUE(any_contains(r.warnings, "one step at the configured lr (500) raises the loss")) << r.report();
  EXPECT_TRUE(any_contains(r.warnings, "too large")) << r.report();
}

TEST(DescentDirection, WrongScaleIsAWarning) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(*model, testing::custom_cross_entropy(Backward::Doubled), b.inputs, b.targets,
                                         testing::sgd(0.1));
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_TRUE(any_contains(r.warnings, "the gradient's scale is wrong")) << r.report();
}

TEST(DescentDirection, ZeroGradientMovesNothing) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = check_descent_direction(
      *model, [](const Tensor& out, const Tensor&) { return (out * 0.0).sum(); }, b.inputs, b.targets,
      testing::sgd(0.1));
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_TRUE(any_contains(r.warnings, "does not move any parameter")) << r.report();
  EXPECT_TRUE(std::isnan(r.parameters[0].cosine));
}

TEST(DescentDirection, RestoresTheModel) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto params = model->named_parameters();
  std::vector<std::vector<double>> before;
  for (const auto& [name, p] : params) before.push_back(p.to_vector());
  check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1, true));
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(params[i].second.dtype(), Dtype::Float32);
    EXPECT_EQ(params[i].second.to_vector(), before[i]) << params[i].first;
    EXPECT_FALSE(params[i].second.grad().defined());
  }
}

TEST(DescentDirection, ReportShowsBothTables) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const std::string text =
      check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1)).report();
  for (const char* part :
       {"predicted", "actual", "lr x 0.001", "lr x 0.0001", "configured lr", "cos(d, -g)", "0.weight"})
    EXPECT_TRUE(contains(text, part)) << part << " missing from:\n" << text;
}

TEST(DescentDirection, RejectsBadOptions) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  EXPECT_THROW(check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1),
                                       {.probe_factors = {}}),
               ValueError);
  EXPECT_THROW(check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1),
                                       {.probe_factors = {2.0}}),
               ValueError);
  EXPECT_THROW(check_descent_direction(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.0)),
               ValueError);
}

}  // namespace
}  // namespace descent::diagnostics
