// ContrastiveLoss against numbers derived by hand from the formula in
// descent/nn/losses/contrastive_loss.hpp: l = 1/2 [y d^2 + (1 - y) max(0, margin - d)^2], y = 1 similar.
#include "descent/nn/losses/contrastive_loss.hpp"

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(ContrastiveLoss, PullsSimilarPairsAndPushesDissimilarOnesPastTheMargin) {
  // x1 = 0, x2 rows [3, 4], [0.3, 0.4], [3, 4]: d = [5, 0.5, 5]; y = [1, 0, 0], margin 1
  // l = [25 / 2, (1 - 0.5)^2 / 2, 0] = [12.5, 0.125, 0], mean 12.625 / 3
  // d/dx1: similar: (x1 - x2) = [-3, -4]; dissimilar inside the margin: -(m - d) (x1 - x2) / d
  // = -0.5 [-0.3, -0.4] / 0.5 = [0.3, 0.4]; beyond it: 0. All divided by 3.
  Tensor x1 = leaf({0, 0, 0, 0, 0, 0}, {3, 2});
  const Tensor x2 = f64({3, 4, 0.3, 0.4, 3, 4}, {3, 2});
  const Tensor y = f64({1, 0, 0});
  Tensor l = ContrastiveLoss{}(x1, x2, y);
  EXPECT_NEAR(l.item(), 12.625 / 3, 1e-14);
  l.backward();
  expect_near(x1.grad().to_vector(), {-1, -4.0 / 3, 0.1, 0.4 / 3, 0, 0}, 1e-15);
  // margin 6: the third pair is now inside, (6 - 5)^2 / 2
  expect_near(contrastive_loss(x1, x2, y, {.margin = 6, .reduction = Reduction::None}).to_vector(),
              {12.5, 15.125, 0.5});
}

TEST(ContrastiveLoss, IdenticalEmbeddingsGiveAFiniteGradient) {
  // d = 0: a similar pair costs 0, a dissimilar one margin^2 / 2; the gradient of d at 0 is taken as 0
  Tensor x1 = leaf({1, 2, 1, 2}, {2, 2});
  const Tensor x2 = f64({1, 2, 1, 2}, {2, 2});
  Tensor l = contrastive_loss(x1, x2, f64({1, 0}), {.margin = 2, .reduction = Reduction::None});
  expect_near(l.to_vector(), {0, 2});
  l.sum().backward();
  expect_near(x1.grad().to_vector(), {0, 0, 0, 0});
}

TEST(ContrastiveLoss, RejectsLabelsOtherThanZeroOrOne) {
  const Tensor x = f64({1, 2, 3, 4}, {2, 2});
  expect_error<ValueError>(
      [&] {
        contrastive_loss(x, x, f64({1, -1}));
      },
      "ContrastiveLoss: target[1] = -1: expected 0 or 1");
  expect_error<ValueError>(
      [&] {
        contrastive_loss(x, x, from_vector(std::vector<std::int64_t>{2, 0}, Shape{2}));
      },
      "ContrastiveLoss: target[0] = 2: expected 0 or 1");
  expect_error<ShapeError>(
      [&] {
        contrastive_loss(x, x, f64({1, 0, 1}));
      },
      "ContrastiveLoss: target of shape [3]: expected shape [2]");
  expect_error<ShapeError>(
      [&] {
        contrastive_loss(x, f64({1, 2}), f64({1, 0}));
      },
      "ContrastiveLoss: input1 of shape [2, 2] and input2 of shape [2] differ");
}

}  // namespace
}  // namespace descent::nn
