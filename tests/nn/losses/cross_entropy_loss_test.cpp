// Class weights and label smoothing of CrossEntropyLoss and NLLLoss against numbers derived by hand
// from the formulas in descent/nn/losses/cross_entropy_loss.hpp (the unweighted, unsmoothed losses are
// in tests/nn/losses_test.cpp).
#include "descent/nn/losses/cross_entropy_loss.hpp"

#include <cmath>

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

// Row 0: logits [0, log 3], p = [1/4, 3/4], target 0; row 1: logits [0, 0], p = [1/2, 1/2], target 1.
Tensor logits() { return leaf({0, std::log(3.0), 0, 0}, {2, 2}); }
Tensor targets() { return from_vector(std::vector<std::int64_t>{0, 1}, Shape{2}); }

TEST(CrossEntropyLoss, ClassWeightsUsePyTorchsWeightedMean) {
  // w = [1, 3]: l = [1 * log 4, 3 * log 2]; mean = (log 4 + 3 log 2) / (1 + 3) = 5 log 2 / 4
  // d/dx_i = w[y_i] (p_i - onehot(y_i)) / 4 = [[-3/4, 3/4] / 4, 3 [1/2, -1/2] / 4]
  Tensor x = logits();
  Tensor l = CrossEntropyLoss{.weight = f64({1, 3})}(x, targets());
  EXPECT_NEAR(l.item(), 5 * std::log(2.0) / 4, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {-3.0 / 16, 3.0 / 16, 3.0 / 8, -3.0 / 8});
  expect_near(cross_entropy(x, targets(), {.weight = f64({1, 3}), .reduction = Reduction::None}).to_vector(),
              {std::log(4.0), 3 * std::log(2.0)});
  // NLLLoss on the log-probabilities agrees
  EXPECT_NEAR(nll_loss(log_softmax(x, 1), targets(), {.weight = f64({1, 3})}).item(), 5 * std::log(2.0) / 4, 1e-15);
}

TEST(CrossEntropyLoss, LabelSmoothingMixesInTheUniformDistribution) {
  // eps = 0.2, C = 2: q = (1 - eps) onehot + eps / C, so q_0 = [0.9, 0.1], q_1 = [0.1, 0.9]
  // l_0 = 0.9 log 4 + 0.1 log(4/3), l_1 = log 2; d/dx_i = (p_i - q_i) / 2
  Tensor x = logits();
  Tensor l = cross_entropy(x, targets(), {.label_smoothing = 0.2});
  const double l0 = 0.9 * std::log(4.0) + 0.1 * std::log(4.0 / 3.0), l1 = std::log(2.0);
  EXPECT_NEAR(l.item(), (l0 + l1) / 2, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {(0.25 - 0.9) / 2, (0.75 - 0.1) / 2, (0.5 - 0.1) / 2, (0.5 - 0.9) / 2});
}

TEST(CrossEntropyLoss, LabelSmoothingWithWeightsWeighsEachClassTerm) {
  // l_i = -sum_c w[c] q_i[c] log p_i[c], w = [1, 3], eps = 0.2:
  // l_0 = 1 * 0.9 log 4 + 3 * 0.1 log(4/3); l_1 = (1 * 0.1 + 3 * 0.9) log 2 = 2.8 log 2
  // mean divides by w[y_0] + w[y_1] = 4
  const double l0 = 0.9 * std::log(4.0) + 0.3 * std::log(4.0 / 3.0), l1 = 2.8 * std::log(2.0);
  const Tensor x = logits();
  EXPECT_NEAR(cross_entropy(x, targets(), {.weight = f64({1, 3}), .label_smoothing = 0.2}).item(), (l0 + l1) / 4,
              1e-15);
  EXPECT_NEAR(
      cross_entropy(x, targets(), {.weight = f64({1, 3}), .label_smoothing = 0.2, .reduction = Reduction::Sum}).item(),
      l0 + l1, 1e-15);
}

TEST(CrossEntropyLoss, RejectsBadWeightsAndSmoothing) {
  const Tensor x = zeros(Shape{2, 3}, Dtype::Float64);
  const Tensor t = from_vector(std::vector<std::int64_t>{0, 2}, Shape{2});
  expect_error<ShapeError>(
      [&] {
        cross_entropy(x, t, {.weight = f64({1, 2})});
      },
      "CrossEntropyLoss: weight of shape [2]: expected shape [3]");
  expect_error<ValueError>([&] { cross_entropy(x, t, {.label_smoothing = 1.5}); },
                           "CrossEntropyLoss: label_smoothing = 1.5: expected a value in [0, 1]");
  expect_error<ValueError>(
      [&] {
        nll_loss(x, from_vector(std::vector<std::int64_t>{0, -1}, Shape{2}));
      },
      "NLLLoss: target[1] = -1 is not a class index in [0, 3)");
}

}  // namespace
}  // namespace descent::nn
