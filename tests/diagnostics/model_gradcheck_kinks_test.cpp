// The model gradient check at kinks: a ReLU input a few 1e-8 from 0 makes the central difference at
// eps = 1e-6 straddle the kink (as MNIST's zero background does in LeNet towers); the check re-tests
// it with a smaller eps and passes it. An input exactly at 0 is left out and counted, a tensor with
// every element there is reported as not checked, and a wrong backward next to a kink still fails.
#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "diagnostics/check_models.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

constexpr Dtype kKinksF64 = Dtype::Float64;
constexpr std::int64_t kUnit = 2;  // the hidden unit moved to the kink

using descent::testing::contains;

const ParameterGradcheck& row(const ModelGradcheckResult& r, const std::string& name) {
  for (const auto& p : r.parameters)
    if (p.name == name) return p;
  throw std::runtime_error("no row " + name);
}

// ReLU whose hand-written backward passes the gradient where x > threshold: threshold 0 is PyTorch's
// [x > 0]; above 0 it is a wrong backward that differs from the right one only next to the kink.
class ThresholdBackwardRelu : public nn::Module {
 public:
  explicit ThresholdBackwardRelu(double threshold) : threshold_(threshold) {}
  Tensor forward(const Tensor& x) override {
    return custom_function(
        "threshold_backward_relu", {x},
        [t = threshold_](FunctionCtx& ctx, const std::vector<Tensor>& in) {
          std::vector<double> mask = in[0].to_vector();
          for (double& m : mask) m = m > t ? 1.0 : 0.0;
          ctx.save_for_backward({from_vector(mask, in[0].shape(), in[0].dtype())});
          return relu(in[0]);
        },
        [](FunctionCtx& ctx, const Tensor& g) { return std::vector<Tensor>{g * ctx.saved_tensors()[0]}; });
  }
  std::string describe() const override { return "ThresholdBackwardRelu()"; }

 private:
  double threshold_;
};

struct KinkModel {
  std::shared_ptr<nn::Sequential> model;
  Tensor inputs, targets;
};

// Linear(5, 8) -> ReLU (or the relu given) -> Linear(8, 3) in float64 on the tests' batch, with hidden
// unit kUnit's input for example 0 moved to `z0` through its bias.
KinkModel relu_mlp(double z0, std::shared_ptr<nn::Module> activation = std::make_shared<nn::ReLU>()) {
  Generator gen(3);
  auto model = std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(5, 8, nn::LinearOptions{.dtype = kKinksF64, .generator = &gen}),
      std::move(activation),
      std::make_shared<nn::Linear>(8, 3, nn::LinearOptions{.dtype = kKinksF64, .generator = &gen})});
  const auto b = testing::batch();
  const Tensor x = kernels::cast(b.inputs, kKinksF64);
  auto* first = dynamic_cast<nn::Linear*>((*model)[0].get());
  const double* w = first->weight().data<double>() + kUnit * 5;
  double z = 0;
  for (int j = 0; j < 5; ++j) z += w[j] * x.data<double>()[j];
  first->bias().data<double>()[kUnit] = z0 - z;  // z0 to within rounding
  return {model, x, b.targets};
}

// Zeroes hidden unit kUnit's weights and bias: its input is exactly 0 for every example.
void zero_unit(nn::Sequential& model) {
  auto* first = dynamic_cast<nn::Linear*>(model[0].get());
  for (int j = 0; j < 5; ++j) first->weight().data<double>()[kUnit * 5 + j] = 0;
  first->bias().data<double>()[kUnit] = 0;
}

ModelGradcheckResult check(const KinkModel& m) {
  return gradcheck_model(*m.model, testing::cross_entropy_loss(), m.inputs, m.targets, {.samples = 0});
}

TEST(ModelGradcheckKinks, AReluInputNearZeroIsRetestedWithASmallerEpsAndPasses) {
  const auto r = check(relu_mlp(-3e-8));  // eps = 1e-6 reaches across 0 on one side
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_GE(row(r, "0.bias").retested.count, 1) << r.report();  // its first difference failed
  EXPECT_EQ(row(r, "0.bias").retested.first_index, kUnit);
  EXPECT_EQ(row(r, "0.bias").retested.eps, 1e-8);
  EXPECT_EQ(row(r, "0.bias").at_kink.count, 0);
  EXPECT_TRUE(r.failures().empty());
  EXPECT_TRUE(contains(r.report(),
                       "note 0.bias: 1 element re-tested with a smaller eps, as the central difference "
                       "straddled a kink (at element [2]: one-sided differences "))
      << r.report();
  EXPECT_TRUE(contains(r.report(), "; compared at eps 1e-08")) << r.report();
}

TEST(ModelGradcheckKinks, AReluInputExactlyAtZeroIsLeftOutAndCounted) {
  KinkModel m = relu_mlp(0.5);
  zero_unit(*m.model);
  const auto r = check(m);
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(row(r, "0.bias").at_kink.count, 1) << r.report();
  EXPECT_EQ(row(r, "0.bias").at_kink.first_index, kUnit);
  EXPECT_EQ(row(r, "0.bias").at_kink.eps, 1e-10);
  EXPECT_EQ(row(r, "0.bias").at_kink.analytic, 0.0);  // PyTorch's relu'(0)
  EXPECT_EQ(row(r, "0.weight").at_kink.count, 5) << r.report();
  EXPECT_EQ(row(r, "0.weight").checked, 40);
  EXPECT_FALSE(row(r, "0.weight").unchecked());
  EXPECT_TRUE(r.unchecked().empty());
  EXPECT_TRUE(contains(r.report(),
                       "note 0.weight: 5 elements at a kink left out of the verdict: the one-sided "
                       "differences still disagree at eps 1e-10 (at element [2, 0]: "))
      << r.report();
  EXPECT_FALSE(contains(r.report(), "FAIL")) << r.report();
}

TEST(ModelGradcheckKinks, ATensorWithEveryElementAtAKinkIsNotChecked) {
  KinkModel m = relu_mlp(0.5);
  auto* first = dynamic_cast<nn::Linear*>((*m.model)[0].get());
  fill_(first->weight(), 0.0);  // every hidden input exactly 0, for every example
  fill_(first->bias(), 0.0);
  const auto r = check(m);
  EXPECT_TRUE(r.passed) << r.report();          // nothing wrong was found ...
  EXPECT_TRUE(row(r, "0.weight").unchecked());  // ... and nothing was checked
  EXPECT_TRUE(row(r, "0.bias").unchecked());
  EXPECT_FALSE(row(r, "2.weight").unchecked());
  ASSERT_EQ(r.unchecked().size(), 2u);
  EXPECT_TRUE(contains(r.unchecked()[1], "0.bias: all 8 checked elements sit at a kink of the loss")) << r.report();
  EXPECT_TRUE(contains(r.report(), "NOT CHECKED 0.weight: all 40 checked elements sit at a kink")) << r.report();
  EXPECT_TRUE(contains(r.report(), ": its gradient could not be checked.")) << r.report();
  EXPECT_TRUE(contains(r.report(), "unchecked")) << r.report();  // the status column
}

TEST(ModelGradcheckKinks, ModelCheckCountsATensorItCouldNotCheckAsAWarning) {
  KinkModel m = relu_mlp(0.5);
  auto* first = dynamic_cast<nn::Linear*>((*m.model)[0].get());
  fill_(first->weight(), 0.0);
  fill_(first->bias(), 0.0);
  const auto r = check_model(*m.model, testing::cross_entropy_loss(), m.inputs, m.targets, testing::sgd(0.1));
  EXPECT_TRUE(r.passed()) << r.report();
  EXPECT_TRUE(contains(r.report(), "Result: passed, with 2 warnings above.")) << r.report();
}

TEST(ModelGradcheckKinks, AWrongBackwardNextToAKinkIsStillCaught) {
  // The backward drops the gradient of inputs in (0, 1e-7]: only example 0's unit 2, at 3e-8, is
  // affected. At eps = 1e-6 the interval crosses 0 and the one-sided differences disagree; at 1e-8 it
  // does not, and there they agree with each other and not with the analytic gradient.
  const auto r = check(relu_mlp(3e-8, std::make_shared<ThresholdBackwardRelu>(1e-7)));
  EXPECT_FALSE(r.passed) << r.report();
  const ParameterGradcheck& bias = row(r, "0.bias");
  EXPECT_FALSE(bias.passed);
  EXPECT_EQ(bias.worst_index, kUnit);
  EXPECT_EQ(bias.at_kink.count, 0);
  EXPECT_EQ(bias.retested.count, 1);
  EXPECT_TRUE(contains(bias.explanation, "0.bias: the analytic gradient differs from the numerical one by up to"))
      << bias.explanation;
  EXPECT_FALSE(contains(bias.explanation, "constant factor")) << bias.explanation;  // a ratio near 1: no factor
  EXPECT_TRUE(contains(bias.explanation, "the custom function on its path: threshold_backward_relu."))
      << bias.explanation;
  EXPECT_TRUE(row(r, "2.weight").passed);
  // the same backward with its threshold at 0 is ReLU's, and passes
  EXPECT_TRUE(check(relu_mlp(3e-8, std::make_shared<ThresholdBackwardRelu>(0.0))).passed);
}

TEST(ModelGradcheckKinks, AWrongFactorNextToAKinkIsStillNamed) {
  // custom_tanh's backward doubled, with a ReLU input next to its kink in the same model
  KinkModel m = relu_mlp(-3e-8);
  auto model = std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      (*m.model)[0], std::make_shared<nn::ReLU>(), std::make_shared<testing::CustomTanh>(testing::Backward::Doubled),
      (*m.model)[2]});
  const auto r = gradcheck_model(*model, testing::cross_entropy_loss(), m.inputs, m.targets, {.samples = 0});
  EXPECT_FALSE(row(r, "0.bias").passed);
  EXPECT_FALSE(row(r, "0.weight").passed);
  EXPECT_NEAR(row(r, "0.weight").scale, 2.0, 1e-3);
  EXPECT_TRUE(contains(row(r, "0.bias").explanation, "times the numerical one")) << r.report();
  EXPECT_TRUE(contains(row(r, "0.bias").explanation, "a wrong constant factor (a missing 1/2?)")) << r.report();
}

}  // namespace
}  // namespace descent::diagnostics
