#include "descent/diagnostics/gradcheck.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

// x^2 with a hand-written backward scaled by `factor` (1 is right).
Tensor square_with_backward(const Tensor& x, double factor) {
  Tensor out = kernels::binary(kernels::BinaryOp::Mul, x, x);
  return record(out, "square", {&x}, [x = x.detach(), factor](const Tensor& g) {
    return std::vector<Tensor>{kernels::binary(kernels::BinaryOp::Mul, g, kernels::affine(x, 2.0 * factor, 0.0))};
  });
}

Tensor inputs() { return tensor({0.5, -1.25, 2.0, 0.75}, Dtype::Float64); }

TEST(Gradcheck, PassesARightBackward) {
  const auto r = gradcheck([](auto& x) { return square_with_backward(x[0], 1.0); }, {inputs()});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_LT(r.inputs[0].max_abs_error, 1e-8);
}

TEST(Gradcheck, CatchesABackwardOffByTwo) {
  const auto r = gradcheck([](auto& x) { return square_with_backward(x[0], 0.5); }, {inputs()});
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(r.inputs[0].passed);
  // the worst entry is the largest |x|: analytic x = 2, numerical 2x = 4
  EXPECT_EQ(r.inputs[0].worst_input_index, 2);
  EXPECT_NEAR(r.inputs[0].analytic, 2.0, 1e-12);
  EXPECT_NEAR(r.inputs[0].numerical, 4.0, 1e-6);
  EXPECT_NEAR(r.inputs[0].max_rel_error, 0.5, 1e-6);
  EXPECT_NE(r.report().find("FAIL"), std::string::npos);
}

TEST(Gradcheck, CatchesAZeroBackward) {
  const auto r = gradcheck([](auto& x) { return square_with_backward(x[0], 0.0); }, {inputs()});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.inputs[0].analytic, 0.0);
  EXPECT_NEAR(std::abs(r.inputs[0].numerical), 4.0, 1e-6);
}

TEST(Gradcheck, CatchesAMissingGradient) {
  // the op records no node at all: backward never reaches x, although y depends on it
  const auto r = gradcheck([](auto& x) { return kernels::binary(kernels::BinaryOp::Mul, x[0], x[0]); }, {inputs()});
  EXPECT_FALSE(r.passed);
}

TEST(Gradcheck, ChecksEveryInputSeparately) {
  const auto r = gradcheck([](auto& x) { return square_with_backward(x[0], 1.0) * x[1]; },
                           {inputs(), tensor({1.0, 2.0, 3.0, 4.0}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
  ASSERT_EQ(r.inputs.size(), 2u);
}

TEST(Gradcheck, RejectsFloat32Inputs) {
  EXPECT_THROW(gradcheck([](auto& x) { return x[0]; }, {tensor({1.0})}), ValueError);
}

// relu whose hand-written backward passes the gradient where x > threshold (0 is right).
Tensor relu_with_threshold_backward(const Tensor& x, double threshold) {
  return custom_function(
      "relu_threshold", {x},
      [threshold](FunctionCtx& ctx, const std::vector<Tensor>& in) {
        std::vector<double> mask = in[0].to_vector();
        for (double& m : mask) m = m > threshold ? 1.0 : 0.0;
        ctx.save_for_backward({from_vector(mask, in[0].shape(), in[0].dtype())});
        return relu(in[0]);
      },
      [](FunctionCtx& ctx, const Tensor& g) { return std::vector<Tensor>{g * ctx.saved_tensors()[0]}; });
}

TEST(Gradcheck, RetestsAnEntryWhoseDifferenceStraddlesAKink) {
  // at 3e-8 the central difference at eps 1e-6 is (1e-6 + 3e-8) / 2e-6 = 0.515; at 1e-8 it is 1
  const auto r = gradcheck([](auto& x) { return relu(x[0]); }, {tensor({3e-8, -0.5, 1.0}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[0].retested, 1);
  EXPECT_EQ(r.inputs[0].at_kink, 0);
  EXPECT_EQ(r.inputs[0].entries, 9);
  EXPECT_NE(r.report().find("1 re-tested with a smaller eps at a kink"), std::string::npos) << r.report();
}

TEST(Gradcheck, LeavesOutAnEntryExactlyAtAKink) {
  const auto r = gradcheck([](auto& x) { return relu(x[0]); }, {tensor({0.0, -0.5, 1.0}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[0].at_kink, 1);
  EXPECT_EQ(r.report().rfind("input 0: ok   max abs error ", 0), 0u) << r.report();
  EXPECT_NE(r.report().find("; 1 at a kink left out"), std::string::npos) << r.report();
}

TEST(Gradcheck, SaysATiedMaxPoolWindowCouldNotBeChecked) {
  // every element of a window of zeros is a maximum: moving any one changes which
  const auto r = gradcheck([](auto& x) { return max_pool2d(x[0], 2); }, {zeros({1, 1, 2, 2}, Dtype::Float64)});
  EXPECT_TRUE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[0].at_kink, 4);
  EXPECT_EQ(r.report(), "input 0: not checked: each of its 4 Jacobian entries sits at a kink\n");
}

TEST(Gradcheck, CatchesAWrongBackwardNextToAKink) {
  // the backward drops the gradient of inputs in (0, 1e-7]: wrong at 3e-8 only, next to the kink
  const Tensor x = tensor({3e-8, -0.5, 1.0}, Dtype::Float64);
  const auto r = gradcheck([](auto& v) { return relu_with_threshold_backward(v[0], 1e-7); }, {x});
  EXPECT_FALSE(r.passed) << r.report();
  EXPECT_EQ(r.inputs[0].worst_input_index, 0);
  EXPECT_EQ(r.inputs[0].analytic, 0.0);
  EXPECT_NEAR(r.inputs[0].numerical, 1.0, 1e-6);  // the derivative at eps 1e-8, past the kink
  EXPECT_TRUE(gradcheck([](auto& v) { return relu_with_threshold_backward(v[0], 0.0); }, {x}).passed);
}

TEST(Gradcheck, LeavesTheCallersInputsAlone) {
  const Tensor x = inputs();
  gradcheck([](auto& v) { return square_with_backward(v[0], 1.0); }, {x});
  EXPECT_FALSE(x.requires_grad());
  EXPECT_EQ(x.to_vector(), inputs().to_vector());
}

}  // namespace
}  // namespace descent
