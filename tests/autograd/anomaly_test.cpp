#include "descent/autograd/anomaly.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

TEST(Anomaly, ForwardNonFiniteNamesTheOpLayerAndInputs) {
  Tensor x = tensor({1.0, -2.0}, Dtype::Float64).requires_grad_();
  nn::Sequential model({std::make_shared<nn::Sigmoid>(), std::make_shared<nn::ReLU>()});
  DetectAnomalyGuard guard;
  try {
    (void)log(model(x) - 1.0);  // log of a negative number: NaN in the forward pass of log
    FAIL() << "expected NonFiniteError";
  } catch (const NonFiniteError& e) {
    EXPECT_EQ(e.op, "log");
    EXPECT_EQ(e.phase, "forward");
    EXPECT_NE(e.inputs.find("input 0 (shape [2]): min -0.880797, max -0.268941"), std::string::npos) << e.inputs;
    EXPECT_NE(std::string(e.what()).find("forward pass of op 'log'"), std::string::npos) << e.what();
  }
}

TEST(Anomaly, LayerComesFromTheSequential) {
  Tensor x = tensor({1e300, 2.0}, Dtype::Float64).requires_grad_();
  auto scale = std::make_shared<nn::Linear>(2, 2, nn::LinearOptions{.dtype = Dtype::Float64});
  kernels::copy_(scale->weight(), tensor({1e308, 1e308, 1.0, 1.0}, Dtype::Float64).reshape(Shape{2, 2}));
  nn::Sequential model({std::make_shared<nn::Sigmoid>(), scale});
  DetectAnomalyGuard guard;
  try {
    (void)model(x * 1e10);  // overflow in layer 1's linear
    FAIL() << "expected NonFiniteError";
  } catch (const NonFiniteError& e) {
    EXPECT_EQ(e.op, "affine");  // x * 1e10 overflows first, outside any layer
    EXPECT_EQ(e.layer, "");
  }
  try {
    (void)model(x);
    FAIL() << "expected NonFiniteError";
  } catch (const NonFiniteError& e) {
    EXPECT_EQ(e.op, "linear");
    EXPECT_EQ(e.layer, "1");
  }
}

TEST(Anomaly, BackwardNonFiniteIsCaught) {
  Tensor x = tensor({0.0, 4.0}, Dtype::Float64).requires_grad_();
  DetectAnomalyGuard guard;
  Tensor y = sum(sqrt(x));  // finite forward; d/dx sqrt(x) = 1/(2 sqrt x) is infinite at 0
  try {
    y.backward();
    FAIL() << "expected NonFiniteError";
  } catch (const NonFiniteError& e) {
    EXPECT_EQ(e.op, "sqrt");
    EXPECT_EQ(e.phase, "backward");
  }
}

TEST(Anomaly, OffByDefault) {
  Tensor x = tensor({-1.0}, Dtype::Float64).requires_grad_();
  EXPECT_FALSE(is_anomaly_enabled());
  EXPECT_NO_THROW((void)log(x));
}

}  // namespace
}  // namespace descent
