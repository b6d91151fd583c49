// The checks of `descent check` as findings: a parameter whose gradient disagrees with central
// differences is wrong_gradient (named), a step that goes uphill is uphill_update.
#include "descent/diagnostics/check_findings.hpp"

#include <gtest/gtest.h>

#include "descent/diagnostics/model_check.hpp"
#include "diagnostics/check_models.hpp"

namespace descent::diagnostics {
namespace {

using testing::Backward;

std::vector<std::string> wheres(const std::vector<Finding>& findings, const std::string& cause) {
  std::vector<std::string> out;
  for (const Finding& f : findings)
    if (f.cause == cause) out.push_back(f.where);
  return out;
}

TEST(CheckFindings, ARightModelAndOptimizerFindNothing) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto result = check_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1));
  EXPECT_TRUE(result.passed()) << result.report();
  EXPECT_TRUE(check_findings(result).empty());
}

TEST(CheckFindings, MaximizeIsAnUphillUpdate) {
  // SGD with maximize = true moves every parameter along +g: the descent check fails for each of the
  // four tensors (tests/diagnostics/descent_direction_test.cpp), each an uphill_update.
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto result =
      check_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1, /*maximize=*/true));
  std::vector<Finding> found = check_findings(result);
  EXPECT_EQ(wheres(found, "uphill_update"), (std::vector<std::string>(4, "optim")));
  EXPECT_TRUE(wheres(found, "wrong_gradient").empty());
  for (const Finding& f : found) {
    EXPECT_EQ(f.severity, Severity::Problem);
    EXPECT_EQ(f.step, 0);
    EXPECT_NE(f.fix_text.find("maximize = false"), std::string::npos) << f.fix_text;
  }
  EXPECT_NE(found[0].evidence.find("the update goes uphill"), std::string::npos) << found[0].evidence;
  order_findings(found);
  EXPECT_EQ(found.size(), 1u);  // one per cause
}

TEST(CheckFindings, AWrongBackwardIsAWrongGradientNamingTheParameters) {
  // custom_tanh's backward doubled (tests/diagnostics/check_models.hpp): the gradients of the layer
  // below it, 0.weight and 0.bias, are twice the numerical ones; 2.* above it are right. A doubled
  // gradient still points downhill: no uphill_update.
  auto model = testing::mlp(Backward::Doubled);
  const auto b = testing::batch();
  const auto result = check_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1));
  const std::vector<Finding> found = check_findings(result);
  EXPECT_EQ(wheres(found, "wrong_gradient"), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_TRUE(wheres(found, "uphill_update").empty());
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].evidence.find("0.weight: the analytic gradient is 2 times the numerical one"), std::string::npos)
      << found[0].evidence;
  EXPECT_EQ(found[0].fix_text,
            "fix the backward of the function between the loss and 0.weight (a hand-written backward is the first "
            "suspect)");
}

TEST(CheckFindings, ASignFlippedBackwardIsBothWrongAndUphill) {
  auto model = testing::mlp(Backward::SignFlipped);
  const auto b = testing::batch();
  std::vector<Finding> found =
      check_findings(check_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1)));
  EXPECT_EQ(wheres(found, "wrong_gradient"), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_FALSE(wheres(found, "uphill_update").empty());
  order_findings(found);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].cause, "wrong_gradient");  // the root cause: the step follows a wrong gradient
  EXPECT_EQ(found[1].cause, "uphill_update");
}

}  // namespace
}  // namespace descent::diagnostics
