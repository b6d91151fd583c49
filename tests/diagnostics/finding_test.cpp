// Findings: the fixed list of root causes (issue 12, point 2), their order (problems first, then the
// root_causes() order, then the earliest step; one per cause), the verdict and the text a user reads.
#include "descent/diagnostics/finding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace descent::diagnostics {
namespace {

Finding finding(std::string cause, Severity severity, std::int64_t step, std::string where = "") {
  Finding f;
  f.cause = std::move(cause);
  f.severity = severity;
  f.step = step;
  f.where = std::move(where);
  return f;
}

std::vector<std::string> causes_of(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.cause);
  return out;
}

TEST(Finding, RootCausesAreExactlyTheTwentyOneOfTheIssue) {
  // The list of issue 12, point 2, in the issue's order.
  std::vector<std::string> expected = {"wrong_gradient",  "uphill_update",        "lr_too_high",
                                       "lr_too_low",      "exploding_gradient",   "vanishing_gradient",
                                       "dead_relu",       "saturation",           "unscaled_input",
                                       "bad_init",        "loss_output_mismatch", "linear_model",
                                       "no_signal",       "label_mismatch",       "unshuffled_data",
                                       "class_imbalance", "over_regularization",  "bad_optimizer_setting",
                                       "undertrained",    "overfitting",          "nonfinite"};
  std::vector<std::string> actual(root_causes().begin(), root_causes().end());
  ASSERT_EQ(actual.size(), 21u);
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, expected);
  for (const std::string& cause : expected) EXPECT_TRUE(is_root_cause(cause)) << cause;
  EXPECT_FALSE(is_root_cause("healthy"));
  EXPECT_FALSE(is_root_cause(""));
  EXPECT_FALSE(is_root_cause("LR_TOO_HIGH"));
}

TEST(Finding, RootCausesPutTheChecksFirstAndNonfiniteLast) {
  // finding.hpp: a failed check explains everything after it; a bare non-finite loss is the fallback.
  const auto causes = root_causes();
  EXPECT_EQ(causes.front(), "wrong_gradient");
  EXPECT_EQ(causes[1], "uphill_update");
  EXPECT_EQ(causes.back(), "nonfinite");
  const auto at = [&](std::string_view c) { return std::find(causes.begin(), causes.end(), c) - causes.begin(); };
  EXPECT_LT(at("unscaled_input"), at("exploding_gradient"));  // the input explains the gradient
}

TEST(Finding, OrderPutsProblemsFirstThenRootCauseOrderThenStepAndKeepsOnePerCause) {
  std::vector<Finding> findings = {
      finding("lr_too_high", Severity::Warning, 5),     finding("nonfinite", Severity::Problem, 3),
      finding("bad_init", Severity::Warning, 0),        finding("lr_too_high", Severity::Problem, 20, "later"),
      finding("unscaled_input", Severity::Problem, 10), finding("lr_too_high", Severity::Problem, 7, "earlier")};
  order_findings(findings);
  // Problems in root_causes() order (unscaled_input before lr_too_high before nonfinite), then the
  // warnings; the lr_too_high warning goes, as the cause is already named by a problem.
  EXPECT_EQ(causes_of(findings), (std::vector<std::string>{"unscaled_input", "lr_too_high", "nonfinite", "bad_init"}));
  EXPECT_EQ(findings[1].where, "earlier");  // of the same cause, the earliest step
  EXPECT_EQ(findings[1].step, 7);
  EXPECT_EQ(findings[3].severity, Severity::Warning);
}

TEST(Finding, OrderOfWarningsAloneFollowsRootCauses) {
  std::vector<Finding> findings = {finding("over_regularization", Severity::Warning, 0),
                                   finding("class_imbalance", Severity::Warning, 0),
                                   finding("bad_optimizer_setting", Severity::Warning, 0)};
  order_findings(findings);
  EXPECT_EQ(causes_of(findings),
            (std::vector<std::string>{"class_imbalance", "bad_optimizer_setting", "over_regularization"}));
  std::vector<Finding> none;
  order_findings(none);
  EXPECT_TRUE(none.empty());
}

TEST(Finding, HealthyExactlyWhenNoFindingIsAProblem) {
  EXPECT_TRUE(is_healthy({}));
  EXPECT_TRUE(
      is_healthy({finding("class_imbalance", Severity::Warning, 0), finding("bad_init", Severity::Warning, 0)}));
  EXPECT_FALSE(
      is_healthy({finding("class_imbalance", Severity::Warning, 0), finding("lr_too_low", Severity::Problem, 40)}));
  EXPECT_EQ(severity_name(Severity::Problem), "problem");
  EXPECT_EQ(severity_name(Severity::Warning), "warning");
}

TEST(Finding, DescribeGivesCauseSeverityWhereStepEvidenceAndFix) {
  Finding f = finding("lr_too_high", Severity::Problem, 40, "optim.lr");
  f.evidence = "the loss rose";
  f.fix_text = "a learning rate 10 times smaller";
  f.fix = {{"optim.lr", "0.1"}, {"train.clip_grad_norm", "1.0"}};
  // The form finding.hpp documents.
  EXPECT_EQ(describe(f),
            "lr_too_high (problem, optim.lr, step 40): the loss rose\n"
            "  fix: a learning rate 10 times smaller (optim.lr = 0.1, train.clip_grad_norm = 1.0)");
  f.fix.clear();
  EXPECT_EQ(describe(f),
            "lr_too_high (problem, optim.lr, step 40): the loss rose\n  fix: a learning rate 10 times smaller");
  f.fix_text.clear();
  f.where.clear();
  f.severity = Severity::Warning;
  EXPECT_EQ(describe(f), "lr_too_high (warning, step 40): the loss rose");
  f.fix = {{"optim.lr", "0.1"}};
  EXPECT_EQ(describe(f), "lr_too_high (warning, step 40): the loss rose\n  fix: (optim.lr = 0.1)");
}

}  // namespace
}  // namespace descent::diagnostics
