// Looking at the optimizer's settings before any step: the value of an option (the spec's or the
// default), settings far outside where a method works (bad_optimizer_setting), weight decay and
// dropout strong enough to hold the model back (over_regularization).
#include "descent/diagnostics/optimizer_inspection.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace descent::diagnostics {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

std::vector<Finding> inspect(const std::string& name, Options options) {
  return inspect_optimizer({name, std::move(options)});
}

// The one finding of `cause`, or a failure.
Finding only(const std::vector<Finding>& found, const std::string& cause) {
  EXPECT_EQ(found.size(), 1u);
  if (found.empty()) return {};
  EXPECT_EQ(found[0].cause, cause);
  return found[0];
}

TEST(OptimizerInspection, OptionIsTheSpecsValueElseTheDefault) {
  const optim::OptimizerSpec adam{"adam", {{"lr", "0.05"}, {"betas", "0.8,0.99"}}};
  EXPECT_DOUBLE_EQ(optimizer_option(adam, "lr"), 0.05);
  EXPECT_DOUBLE_EQ(optimizer_option(adam, "betas", 0), 0.8);
  EXPECT_DOUBLE_EQ(optimizer_option(adam, "betas", 1), 0.99);
  // Defaults from AdamOptions (optim/adam.hpp): eps 1e-8, weight_decay 0, betas (0.9, 0.999).
  EXPECT_DOUBLE_EQ(optimizer_option(adam, "eps"), 1e-8);
  EXPECT_DOUBLE_EQ(optimizer_option(adam, "weight_decay"), 0);
  EXPECT_DOUBLE_EQ(optimizer_option({"adam", {}}, "betas", 1), 0.999);
  // Default lr of each optimizer's options struct: Adadelta 1.0, RMSprop 1e-2.
  EXPECT_DOUBLE_EQ(optimizer_option({"adadelta", {}}, "lr"), 1.0);
  EXPECT_DOUBLE_EQ(optimizer_option({"rmsprop", {}}, "lr"), 1e-2);
  // No such option, or no such index: NaN.
  EXPECT_TRUE(std::isnan(optimizer_option(adam, "momentum")));
  EXPECT_TRUE(std::isnan(optimizer_option(adam, "betas", 2)));
}

TEST(OptimizerInspection, DefaultsOfEveryOptimizerRaiseNothing) {
  for (const std::string& name : optim::optimizer_names()) {
    const Options options = name == "sgd" ? Options{{"lr", "0.1"}} : Options{};  // sgd has no default lr to speak of
    EXPECT_TRUE(inspect(name, options).empty()) << name;
  }
}

TEST(OptimizerInspection, MomentumNearOneIsABadSetting) {
  // 0.999 >= 0.995: a velocity that keeps 99.9% of itself multiplies the step by 1 / (1 - 0.999) = 1000.
  const Finding f = only(inspect("sgd", {{"lr", "0.01"}, {"momentum", "0.999"}}), "bad_optimizer_setting");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.where, "optim.momentum");
  EXPECT_EQ(f.suggestion, std::vector<double>{0.9});
  EXPECT_NE(f.evidence.find("about 1000"), std::string::npos) << f.evidence;
  EXPECT_TRUE(inspect("sgd", {{"lr", "0.01"}, {"momentum", "0.99"}}).empty());
  EXPECT_TRUE(inspect("rmsprop", {{"momentum", "0.9"}}).empty());
}

TEST(OptimizerInspection, AdamEpsOfOneIsABadSetting) {
  for (const std::string name : {"adam", "adamw"}) {
    const Finding f = only(inspect(name, {{"eps", "1"}}), "bad_optimizer_setting");
    EXPECT_EQ(f.where, "optim.eps");
    EXPECT_EQ(f.suggestion, std::vector<double>{1e-8});
  }
  EXPECT_TRUE(inspect("adam", {{"eps", "1e-3"}}).empty());  // below the 1e-2 threshold
}

TEST(OptimizerInspection, AdamBetasWithAShortSecondMemoryAreABadSetting) {
  // beta2 0.5 < 0.9 (and below beta1).
  const Finding f = only(inspect("adam", {{"betas", "0.9,0.5"}}), "bad_optimizer_setting");
  EXPECT_EQ(f.where, "optim.betas");
  EXPECT_TRUE(std::isnan(f.suggestion.at(0)));  // a pair: the fix writes [0.9, 0.999]
  EXPECT_EQ(f.fix_text, "use betas [0.9, 0.999]");
  // beta1 0.999 >= 0.995.
  EXPECT_EQ(only(inspect("adamw", {{"betas", "0.999,0.9999"}}), "bad_optimizer_setting").where, "optim.betas");
  EXPECT_TRUE(inspect("adam", {{"betas", "0.8,0.99"}}).empty());
}

TEST(OptimizerInspection, RmspropAlphaOfOneHalfIsABadSetting) {
  const Finding f = only(inspect("rmsprop", {{"alpha", "0.5"}}), "bad_optimizer_setting");
  EXPECT_EQ(f.where, "optim.alpha");
  EXPECT_EQ(f.suggestion, std::vector<double>{0.99});
  EXPECT_TRUE(inspect("rmsprop", {{"alpha", "0.9"}}).empty());
  EXPECT_EQ(only(inspect("rmsprop", {{"eps", "0.1"}}), "bad_optimizer_setting").where, "optim.eps");
  EXPECT_EQ(only(inspect("adadelta", {{"rho", "0.3"}}), "bad_optimizer_setting").where, "optim.rho");
}

TEST(OptimizerInspection, WeightDecayThresholds) {
  // SGD and AdamW shrink the weights by lr x weight_decay per step; the threshold is 1e-3.
  EXPECT_TRUE(inspect("sgd", {{"lr", "0.1"}, {"weight_decay", "5e-4"}}).empty());  // 5e-5 per step
  const Finding sgd = only(inspect("sgd", {{"lr", "0.05"}, {"weight_decay", "1"}}), "over_regularization");
  EXPECT_EQ(sgd.where, "optim.weight_decay");
  EXPECT_EQ(sgd.severity, Severity::Warning);
  // 5% per step: halving in log(0.5) / log(0.95) = 13.5134 steps (printed with %g).
  EXPECT_NE(sgd.evidence.find("shrink by 5% every step, halving in 13.5134 steps"), std::string::npos) << sgd.evidence;
  EXPECT_NEAR(sgd.suggestion.at(0), 1e-4 / 0.05, 1e-15);  // lr x weight_decay back to 1e-4
  // Adam's L2 joins the gradient it normalises: the threshold is weight_decay 0.05 itself.
  EXPECT_EQ(only(inspect("adam", {{"weight_decay", "1"}}), "over_regularization").suggestion,
            std::vector<double>{5e-4});
  EXPECT_TRUE(inspect("adam", {{"weight_decay", "1e-4"}}).empty());
  // AdamW at lr 1e-3: weight_decay 1 shrinks by 1e-3 per step, at the threshold.
  EXPECT_EQ(only(inspect("adamw", {{"weight_decay", "1"}}), "over_regularization").where, "optim.weight_decay");
}

TEST(OptimizerInspection, DropoutOfNinetyPercentIsOverRegularization) {
  const auto found = inspect_dropout({{"2", 0.9}, {"5", 0.5}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].cause, "over_regularization");
  EXPECT_EQ(found[0].severity, Severity::Warning);
  EXPECT_EQ(found[0].where, "2");
  EXPECT_EQ(found[0].suggestion, std::vector<double>{0.2});
  EXPECT_NE(found[0].evidence.find("only 10% of the units"), std::string::npos) << found[0].evidence;
  EXPECT_TRUE(inspect_dropout({{"1", 0.5}}).empty());
  EXPECT_TRUE(inspect_dropout({}).empty());
}

}  // namespace
}  // namespace descent::diagnostics
