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

TEST(Gradcheck, LeavesTheCallersInputsAlone) {
  const Tensor x = inputs();
  gradcheck([](auto& v) { return square_with_backward(v[0], 1.0); }, {x});
  EXPECT_FALSE(x.requires_grad());
  EXPECT_EQ(x.to_vector(), inputs().to_vector());
}

}  // namespace
}  // namespace descent
