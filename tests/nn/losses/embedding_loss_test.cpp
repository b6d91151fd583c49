// HingeEmbeddingLoss and CosineEmbeddingLoss against numbers derived by hand from the formulas in
// descent/nn/losses/embedding_loss.hpp, and their rejection of targets other than +1 and -1.
#include "descent/nn/losses/embedding_loss.hpp"

#include <cmath>

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(HingeEmbeddingLoss, IsTheInputForSimilarAndTheMarginHingeForDissimilar) {
  // margin 1, x = [0.3, 0.3, 2, -0.5], y = [1, -1, -1, 1]: l = [0.3, 1 - 0.3, max(0, 1 - 2), -0.5]
  // = [0.3, 0.7, 0, -0.5], mean 0.125; d/dx = [1, -1, 0, 1] / 4
  Tensor x = leaf({0.3, 0.3, 2, -0.5});
  const Tensor y = f64({1, -1, -1, 1});
  Tensor l = HingeEmbeddingLoss{}(x, y);
  EXPECT_NEAR(l.item(), 0.125, 1e-15);
  l.backward();
  expect_near(x.grad().to_vector(), {0.25, -0.25, 0, 0.25});
  // margin 2.5: the third element crosses, 2.5 - 2 = 0.5
  expect_near(hinge_embedding_loss(x, y, {.margin = 2.5, .reduction = Reduction::None}).to_vector(),
              {0.3, 2.2, 0.5, -0.5});
  // int64 labels work as well
  EXPECT_NEAR(hinge_embedding_loss(x, from_vector(std::vector<std::int64_t>{1, -1, -1, 1}, Shape{4})).item(), 0.125,
              1e-15);
}

TEST(CosineEmbeddingLoss, PullsSimilarPairsAndPushesDissimilarOnesBelowTheMargin) {
  // x1 rows [1, 0], x2 rows [1, 1]: cos = 1/sqrt 2 (PyTorch's 1e-12 guard moves it by ~1e-12)
  // y = [1, -1], margin 0: l = [1 - cos, cos], mean 1/2
  // d cos/dx1 = x2 / (|x1||x2|) - cos x1 / |x1|^2 = [1, 1]/sqrt 2 - [1, 0]/sqrt 2 = [0, 1/sqrt 2]
  Tensor x1 = leaf({1, 0, 1, 0}, {2, 2});
  Tensor x2 = leaf({1, 1, 1, 1}, {2, 2});
  const Tensor y = f64({1, -1});
  Tensor l = CosineEmbeddingLoss{}(x1, x2, y);
  EXPECT_NEAR(l.item(), 0.5, 1e-12);
  l.backward();
  const double s = 1 / std::sqrt(2.0);
  expect_near(x1.grad().to_vector(), {0, -s / 2, 0, s / 2}, 1e-12);
  // margin 0.8 > cos: the dissimilar pair costs nothing
  expect_near(cosine_embedding_loss(x1, x2, y, {.margin = 0.8, .reduction = Reduction::None}).to_vector(), {1 - s, 0},
              1e-12);
  // one pair of vectors with a 0-d label
  EXPECT_NEAR(cosine_embedding_loss(f64({1, 0}), f64({1, 1}), scalar_tensor(-1, Dtype::Float64)).item(), s, 1e-12);
}

TEST(EmbeddingLosses, RejectTargetsOtherThanPlusOrMinusOne) {
  const Tensor x = f64({0.5, 0.5, 0.5, 0.5}, {2, 2});
  expect_error<ValueError>(
      [&] {
        hinge_embedding_loss(x, f64({1, -1, 0, 1}, {2, 2}));
      },
      "HingeEmbeddingLoss: target[1, 0] = 0: expected 1 or -1");
  expect_error<ValueError>(
      [&] {
        cosine_embedding_loss(x, x, f64({-1, 0.5}));
      },
      "CosineEmbeddingLoss: target[1] = 0.5: expected 1 or -1");
  expect_error<ValueError>(
      [&] {
        cosine_embedding_loss(x, x, from_vector(std::vector<std::int64_t>{2, 1}, Shape{2}));
      },
      "CosineEmbeddingLoss: target[0] = 2: expected 1 or -1");
}

TEST(EmbeddingLosses, RejectMismatchedShapes) {
  const Tensor x = f64({0.5, 0.5, 0.5, 0.5}, {2, 2});
  expect_error<ShapeError>(
      [&] {
        hinge_embedding_loss(x, f64({1, -1}));
      },
      "HingeEmbeddingLoss: input of shape [2, 2] and target of shape [2] differ");
  expect_error<ShapeError>(
      [&] {
        cosine_embedding_loss(x, f64({1, 1}), f64({1, 1}));
      },
      "CosineEmbeddingLoss: input1 of shape [2, 2] and input2 of shape [2] differ");
  expect_error<ShapeError>(
      [&] {
        cosine_embedding_loss(x, x, f64({1, 1, 1}));
      },
      "CosineEmbeddingLoss: target of shape [3]: expected shape [2]");
}

}  // namespace
}  // namespace descent::nn
