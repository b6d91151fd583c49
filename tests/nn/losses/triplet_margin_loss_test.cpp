// TripletMarginLoss against numbers derived by hand from the formula in
// descent/nn/losses/triplet_margin_loss.hpp (eps = 0 where exact numbers are wanted).
#include "descent/nn/losses/triplet_margin_loss.hpp"

#include <cmath>

#include "loss_test_support.hpp"

namespace descent::nn {
namespace {

using namespace testing;

TEST(TripletMarginLoss, HingesOnTheDistanceGap) {
  // a = [0, 0], p = [3, 4]: d(a, p) = 5. Row 0: n = [6, 8], d = 10: max(0, 5 - 10 + 1) = 0.
  // Row 1: n = [0, 3], d = 3: 5 - 3 + 1 = 3. Mean 1.5.
  // Row 1's gradient: d/da = (a - p)/5 - (a - n)/3 = [-0.6, -0.8] - [0, -1] = [-0.6, 0.2], halved
  Tensor a = leaf({0, 0, 0, 0}, {2, 2});
  const Tensor p = f64({3, 4, 3, 4}, {2, 2}), n = f64({6, 8, 0, 3}, {2, 2});
  Tensor l = TripletMarginLoss{.eps = 0}(a, p, n);
  EXPECT_NEAR(l.item(), 1.5, 1e-15);
  l.backward();
  expect_near(a.grad().to_vector(), {0, 0, -0.3, 0.1}, 1e-15);
  // p = 1: d(a, p) = 7, d(a, n) = [14, 3]: [0, 7 - 3 + 1] = [0, 5]
  expect_near(triplet_margin_loss(a, p, n, {.p = 1, .eps = 0, .reduction = Reduction::None}).to_vector(), {0, 5});
  // PyTorch's eps (1e-6 by default) is added to the difference: d(a, p) = |(-3 + 1e-6, -4 + 1e-6)|,
  // d(a, n) = |(1e-6, -3 + 1e-6)| in row 1
  EXPECT_NEAR(triplet_margin_loss(a, p, n, Reduction::None).at(1),
              std::hypot(-3 + 1e-6, -4 + 1e-6) - std::hypot(1e-6, -3 + 1e-6) + 1, 1e-15);
}

TEST(TripletMarginLoss, SwapUsesTheHarderNegativeDistance) {
  // a = [0, 0], p = [3, 4], n = [3, 1]: d(a, n) = sqrt 10, d(p, n) = 3 < sqrt 10
  // no swap: 5 - sqrt 10 + 1; swap: 5 - 3 + 1 = 3, and the gradient reaches n through d(p, n) only
  Tensor a = leaf({0, 0}), p = leaf({3, 4}), n = leaf({3, 1});
  EXPECT_NEAR(triplet_margin_loss(a, p, n, {.eps = 0}).item(), 6 - std::sqrt(10.0), 1e-15);
  Tensor l = triplet_margin_loss(a, p, n, {.eps = 0, .swap = true});
  EXPECT_NEAR(l.item(), 3, 1e-15);
  l.backward();
  expect_near(n.grad().to_vector(), {0, 1}, 1e-15);  // -d/dn |p - n| = -(n - p)/3 = [0, 1]
  expect_near(a.grad().to_vector(), {-0.6, -0.8}, 1e-15);
}

TEST(TripletMarginLoss, RejectsMismatchedShapes) {
  const Tensor x = f64({1, 2, 3, 4}, {2, 2});
  expect_error<ShapeError>(
      [&] {
        triplet_margin_loss(x, x, f64({1, 2}));
      },
      "TripletMarginLoss: anchor of shape [2, 2] and negative of shape [2] differ");
  expect_error<ValueError>([&] { triplet_margin_loss(x, x, x, {.p = 0.5}); }, "p = 0.5: expected p >= 1");
}

}  // namespace
}  // namespace descent::nn
