// BCELoss and BCEWithLogitsLoss against numbers derived by hand from the formulas in
// descent/nn/losses/bce_loss.hpp.
#include "descent/nn/losses/bce_loss.hpp"

#include <cmath>

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

TEST(BCELoss, IsTheNegatedLogLikelihood) {
  // x = [0.5, 0.8], y = [1, 0]: l = [-log 0.5, -log 0.2] = [log 2, log 5], mean log(10) / 2
  // d/dx = (x - y) / (x (1 - x)) / 2 = [-0.5 / 0.25, 0.8 / 0.16] / 2 = [-1, 2.5]
  Tensor x = leaf({0.5, 0.8});
  Tensor y = leaf({1, 0});
  Tensor l = BCELoss{}(x, y);
  EXPECT_NEAR(l.item(), std::log(10.0) / 2, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {-1, 2.5});
  // d/dy = (log(1 - x) - log x) / 2 = [0, log(0.2 / 0.8) / 2]
  expect_near(y.grad().to_vector(), {0, std::log(0.25) / 2});
  // weight [2, 0.5]: sum 2 log 2 + 0.5 log 5
  EXPECT_NEAR(binary_cross_entropy(x, y, {.weight = f64({2, 0.5}), .reduction = Reduction::Sum}).item(),
              2 * std::log(2.0) + 0.5 * std::log(5.0), 1e-15);
}

TEST(BCELoss, ClampsTheLogAtMinus100LikePyTorch) {
  // x = 0 with y = 1: -max(log 0, -100) = 100; x = 0 with y = 0 and x = 1 with y = 1: 0
  Tensor x = leaf({0, 0, 1});
  const Tensor l = binary_cross_entropy(x, f64({1, 0, 1}), Reduction::None);
  expect_near(l.to_vector(), {100, 0, 0});
  l.sum().backward();
  EXPECT_TRUE(kernels::all_finite(x.grad()));
}

TEST(BCEWithLogitsLoss, IsBCEOfTheSigmoid) {
  // x = [0, 2], y = [1, 0]: l = [log 2, log(1 + e^2)]; d/dx = sigmoid(x) - y = [-0.5, sigmoid(2)]
  Tensor x = leaf({0, 2});
  Tensor y = leaf({1, 0});
  Tensor l = binary_cross_entropy_with_logits(x, y, Reduction::Sum);
  EXPECT_NEAR(l.item(), std::log(2.0) + std::log1p(std::exp(2.0)), 1e-14);
  l.backward();
  expect_near(x.grad().to_vector(), {-0.5, sigmoid(2)});
  expect_near(y.grad().to_vector(), {0, -2});  // d/dy = -x
  // agrees with BCELoss on sigmoid(x)
  const Tensor p = f64({sigmoid(0.0), sigmoid(2.0)});
  EXPECT_NEAR(binary_cross_entropy_with_logits(x, y).item(), binary_cross_entropy(p, y.detach()).item(), 1e-14);
}

TEST(BCEWithLogitsLoss, PosWeightScalesThePositiveTerm) {
  // pw = 3, x = 0, y = 1: l = 3 log 2; d/dx = (pw y + 1 - y) sigmoid(0) - pw y = 1.5 - 3 = -1.5
  // y = 0 rows are untouched: x = 0, y = 0 gives log 2, d/dx = 0.5
  Tensor x = leaf({0, 0}, {1, 2});
  const Tensor y = f64({1, 0}, {1, 2});
  Tensor l = BCEWithLogitsLoss{.pos_weight = f64({3, 3}), .reduction = Reduction::Sum}(x, y);
  EXPECT_NEAR(l.item(), 4 * std::log(2.0), 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {-1.5, 0.5});
}

TEST(BCEWithLogitsLoss, IsFiniteForLogitsOf1000) {
  // x = 1000, y = 0: l = 1000, d/dx = 1; x = -1000, y = 1: l = 1000, d/dx = -1; x = 1000, y = 1: 0
  Tensor x = leaf({1000, -1000, 1000, -1000});
  const Tensor l = binary_cross_entropy_with_logits(x, f64({0, 1, 1, 0}), Reduction::None);
  expect_near(l.to_vector(), {1000, 1000, 0, 0});
  l.sum().backward();
  expect_near(x.grad().to_vector(), {1, -1, 0, 0});
}

TEST(BinaryCrossEntropy, RejectsValuesOutsideTheUnitInterval) {
  const Tensor ok = f64({0.5, 0.5}, {1, 2});
  expect_error<ValueError>(
      [&] {
        binary_cross_entropy(f64({0.5, 1.5}, {1, 2}), ok);
      },
      "BCELoss: input[0, 1] = 1.5: expected a value in [0, 1]");
  expect_error<ValueError>(
      [&] {
        binary_cross_entropy(ok, f64({-0.25, 0.5}, {1, 2}));
      },
      "BCELoss: target[0, 0] = -0.25: expected a value in [0, 1]");
  expect_error<ValueError>([&] { binary_cross_entropy(f64({NAN, 0.5}, {1, 2}), ok); }, "BCELoss: input[0, 0] = nan");
  expect_error<ValueError>(
      [&] {
        binary_cross_entropy_with_logits(f64({5, -5}, {1, 2}), f64({1, 2}, {1, 2}));
      },
      "BCEWithLogitsLoss: target[0, 1] = 2: expected a value in [0, 1]");
  // logits may be anything
  EXPECT_NO_THROW(binary_cross_entropy_with_logits(f64({5, -5}, {1, 2}), ok));
}

TEST(BinaryCrossEntropy, RejectsMismatchedShapesAndWeights) {
  const Tensor x = f64({0.5, 0.5, 0.5, 0.5}, {2, 2});
  expect_error<ShapeError>(
      [&] {
        binary_cross_entropy(x, f64({1, 0}));
      },
      "BCELoss: input of shape [2, 2] and target of shape [2] differ");
  expect_error<ShapeError>(
      [&] {
        binary_cross_entropy(x, x, {.weight = f64({1, 2, 3})});
      },
      "BCELoss: weight of shape [3] does not broadcast to the input's shape [2, 2]");
  expect_error<ShapeError>(
      [&] {
        binary_cross_entropy_with_logits(x, x, {.pos_weight = f64({1, 2, 3})});
      },
      "BCEWithLogitsLoss: pos_weight of shape [3] does not broadcast");
  expect_error<ValueError>([&] { binary_cross_entropy(x, x.to(Dtype::Float32)); },
                           "BCELoss: target is float32 but input is float64");
}

}  // namespace
}  // namespace descent::nn
