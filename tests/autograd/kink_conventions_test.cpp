// At a kink the backward returns PyTorch's subgradient, in float32 (the SIMD pooling kernel) and in
// float64 (the gradient check): a max-pool window whose maximum is tied sends the whole gradient to
// its first maximum in row-major order, ReLU at exactly 0 (or -0) passes none. Images with large
// regions of exact zeros (MNIST's background) hit both on every batch, so the gradient check relies on
// them. Expected values: tests/reference/kink_conventions.py (torch.nn.functional, both dtypes).
#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

class KinkConventions : public ::testing::TestWithParam<Dtype> {};

Tensor leaf(const std::vector<double>& values, const Shape& shape, Dtype dtype) {
  return from_vector(values, shape, dtype).requires_grad_(true);
}

TEST_P(KinkConventions, MaxPoolSendsATiedWindowsGradientToItsFirstMaximum) {
  const Tensor x = leaf({1,  1, 0, 0, 2,    0.5,   //
                         1,  1, 0, 0, 2,    2,     //
                         -1, 3, 3, 3, 0,    -0.0,  //
                         3,  0, 3, 3, -0.0, 0},
                        {1, 1, 4, 6}, GetParam());
  const Tensor y = max_pool2d(x, 2);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{1, 0, 2, 3, 3, 0}));
  y.backward(from_vector({1, 2, 3, 4, 5, 6}, {1, 1, 2, 3}, GetParam()));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1, 0, 2, 0, 3, 0,  //
                                                       0, 0, 0, 0, 0, 0,  //
                                                       0, 4, 5, 0, 6, 0,  //
                                                       0, 0, 0, 0, 0, 0}));
}

TEST_P(KinkConventions, OverlappingPaddedWindowsOfZerosEachPickTheirFirstElement) {
  const Tensor x = leaf({0, 0, 0, 0, 0, 0, 0, 0, 5}, {1, 1, 3, 3}, GetParam());
  const Tensor y = max_pool2d(x, 3, {.stride = 2, .padding = 1});
  EXPECT_EQ(y.to_vector(), (std::vector<double>{0, 0, 0, 5}));
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1, 1, 0, 1, 0, 0, 0, 0, 1}));
}

TEST_P(KinkConventions, ReluPassesNoGradientAtZero) {
  const Tensor x = leaf({-1, 0, -0.0, 2}, {4}, GetParam());
  sum(relu(x)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 0, 0, 1}));
}

TEST_P(KinkConventions, AnImageOfZerosThroughReluAndMaxPoolGetsNoGradient) {
  const Tensor x = leaf(std::vector<double>(16, 0.0), {1, 1, 4, 4}, GetParam());
  sum(max_pool2d(relu(x), 2)).backward();
  EXPECT_EQ(x.grad().to_vector(), std::vector<double>(16, 0.0));
}

INSTANTIATE_TEST_SUITE_P(BothDtypes, KinkConventions, ::testing::Values(Dtype::Float32, Dtype::Float64),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

}  // namespace
}  // namespace descent
