// The gradient check of a whole model: passes a right model, names the parameter and the kind of
// error for a wrong backward, and leaves the model as it found it.
#include "descent/diagnostics/model_gradcheck.hpp"

#include <gtest/gtest.h>

#include "diagnostics/check_models.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

using testing::Backward;

using descent::testing::contains;

const ParameterGradcheck& gradcheck_row(const ModelGradcheckResult& r, const std::string& name) {
  for (const auto& p : r.parameters)
    if (p.name == name) return p;
  throw std::runtime_error("no row " + name);
}

TEST(ModelGradcheck, PassesARightModelOnEveryElement) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, {.samples = 0});
  EXPECT_TRUE(r.passed) << r.report();
  ASSERT_EQ(r.parameters.size(), 4u);
  EXPECT_EQ(gradcheck_row(r, "0.weight").checked, 40);
  EXPECT_EQ(gradcheck_row(r, "2.bias").checked, 3);
  for (const auto& p : r.parameters) EXPECT_LT(p.max_abs_error, 1e-8) << p.name;
  EXPECT_TRUE(r.failures().empty());
}

TEST(ModelGradcheck, SamplesAtMostKElementsPerTensor) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, {.samples = 7, .seed = 5});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(gradcheck_row(r, "0.weight").checked, 7);
  EXPECT_EQ(gradcheck_row(r, "0.bias").checked, 7);
  EXPECT_EQ(gradcheck_row(r, "2.bias").checked, 3);  // fewer elements than K: all of them
}

TEST(ModelGradcheck, BackwardOffByTwoNamesTheParametersBelowIt) {
  auto model = testing::mlp(Backward::Doubled);
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets);
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(gradcheck_row(r, "0.weight").passed);
  EXPECT_FALSE(gradcheck_row(r, "0.bias").passed);
  EXPECT_TRUE(gradcheck_row(r, "2.weight").passed);  // above the wrong op: untouched
  EXPECT_TRUE(gradcheck_row(r, "2.bias").passed);
  EXPECT_NEAR(gradcheck_row(r, "0.weight").scale, 2.0, 1e-6);
  EXPECT_TRUE(contains(gradcheck_row(r, "0.weight").explanation,
                       "0.weight: the analytic gradient is 2 times the numerical one"))
      << gradcheck_row(r, "0.weight").explanation;
  EXPECT_TRUE(contains(gradcheck_row(r, "0.weight").explanation, "a missing 1/2?)"))
      << gradcheck_row(r, "0.weight").explanation;
  EXPECT_TRUE(contains(gradcheck_row(r, "0.weight").explanation, "; the custom function on its path: custom_tanh."))
      << gradcheck_row(r, "0.weight").explanation;
  EXPECT_EQ(r.failures().size(), 2u);
  EXPECT_TRUE(contains(r.report(), "FAILED 0.bias: the analytic gradient is 2 times")) << r.report();
}

TEST(ModelGradcheck, ZeroBackwardIsNamed) {
  auto model = testing::mlp(Backward::Zero);
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(gradcheck_row(r, "0.weight").analytic, 0.0);
  EXPECT_NE(gradcheck_row(r, "0.weight").numerical, 0.0);
  EXPECT_TRUE(contains(gradcheck_row(r, "0.weight").explanation,
                       "0.weight: the analytic gradient is zero where the numerical one is not"))
      << gradcheck_row(r, "0.weight").explanation;
  EXPECT_TRUE(gradcheck_row(r, "2.weight").passed);
}

TEST(ModelGradcheck, SignFlippedBackwardIsNamed) {
  auto model = testing::mlp(Backward::SignFlipped);
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets);
  EXPECT_FALSE(r.passed);
  EXPECT_TRUE(contains(gradcheck_row(r, "0.bias").explanation,
                       "0.bias: the analytic gradient has the opposite sign of the numerical one"))
      << gradcheck_row(r, "0.bias").explanation;
  EXPECT_TRUE(contains(gradcheck_row(r, "0.bias").explanation, "a sign error in a backward"))
      << gradcheck_row(r, "0.bias").explanation;
}

TEST(ModelGradcheck, ARatioWithinOnePercentOfOneIsNoConstantFactor) {
  // 0.5% off fails the tolerance (1e-4 relative), but "1.005 times the numerical one: a wrong
  // constant factor" would read as "1 times" at a glance: the sentence says how far they differ
  auto model = testing::mlp(Backward::HalfPercentOff);
  const auto b = testing::batch();
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets);
  EXPECT_FALSE(gradcheck_row(r, "0.weight").passed);
  EXPECT_TRUE(gradcheck_row(r, "0.weight").uniform_scale);
  EXPECT_NEAR(gradcheck_row(r, "0.weight").scale, 1.005, 1e-6);
  for (const std::string& f : r.failures()) {
    EXPECT_TRUE(contains(f, "the analytic gradient differs from the numerical one by up to")) << f;
    EXPECT_FALSE(contains(f, "constant factor")) << f;
    EXPECT_FALSE(contains(f, "times the numerical one")) << f;
  }
  EXPECT_EQ(r.failures().size(), 2u) << r.report();
}

TEST(ModelGradcheck, WrongLossBackwardFailsEveryParameter) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  EXPECT_TRUE(gradcheck_model(*model, testing::custom_cross_entropy(Backward::Right), b.inputs, b.targets).passed);
  const auto r = gradcheck_model(*model, testing::custom_cross_entropy(Backward::Doubled), b.inputs, b.targets);
  EXPECT_EQ(r.failures().size(), 4u) << r.report();
  // the loss lies above every parameter, the custom tanh only above 0.*
  EXPECT_TRUE(
      contains(gradcheck_row(r, "2.weight").explanation, "; the custom function on its path: custom_cross_entropy."))
      << r.report();
  EXPECT_TRUE(contains(gradcheck_row(r, "0.weight").explanation,
                       "; custom functions on its path: custom_cross_entropy, custom_tanh."))
      << r.report();
}

TEST(ModelGradcheck, RestoresTheModel) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const Tensor w = model->named_parameters()[0].second;
  const std::vector<double> before = w.to_vector();
  const Tensor grad = ones(w.shape());
  w.set_grad(grad);
  gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets);
  EXPECT_EQ(w.dtype(), Dtype::Float32);
  EXPECT_EQ(w.to_vector(), before);
  EXPECT_TRUE(w.grad().same(grad));
  EXPECT_TRUE(model->named_parameters()[0].second.same(w));
}

TEST(ModelGradcheck, ReportHasOneRowPerParameterTensor) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  const std::string text = gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets).report();
  for (const char* part :
       {"parameter", "max abs err", "max rel err", "worst element", "0.weight", "[8, 5]", "2.bias", " ok"})
    EXPECT_TRUE(contains(text, part)) << part << " missing from:\n" << text;
}

TEST(ModelGradcheck, RejectsANonScalarLossAndBadOptions) {
  auto model = testing::mlp();
  const auto b = testing::batch();
  EXPECT_THROW(gradcheck_model(
                   *model, [](const Tensor& out, const Tensor&) { return out; }, b.inputs, b.targets),
               ValueError);
  EXPECT_THROW(gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, {.samples = -1}),
               ValueError);
  EXPECT_THROW(gradcheck_model(*model, testing::cross_entropy_loss(), b.inputs, b.targets, {.eps = 0}), ValueError);
  EXPECT_EQ(model->named_parameters()[0].second.dtype(), Dtype::Float32);  // restored after the throw
}

}  // namespace
}  // namespace descent::diagnostics
