// clip_grad_norm_ and clip_grad_value_ on gradients worked out by hand, as torch.nn.utils computes them.
#include "descent/nn/utils/clip_grad.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "descent/descent.hpp"

namespace descent::nn::utils {
namespace {

// Leaves whose gradients are set directly: a = (3, 4), b = (12) (so the 2-norm of all is 13).
struct Grads {
  Tensor a = tensor({0.0, 0.0}, Dtype::Float64).requires_grad_(), b = tensor({0.0}, Dtype::Float64).requires_grad_();
  Grads() {
    a.set_grad(tensor({3.0, 4.0}, Dtype::Float64));
    b.set_grad(tensor({-12.0}, Dtype::Float64));
  }
  std::vector<Tensor> params() const { return {a, b}; }
};

TEST(ClipGradNorm, ScalesToTheMaxNorm) {
  Grads g;
  // total = sqrt(9 + 16 + 144) = 13; coefficient 6.5 / (13 + 1e-6)
  EXPECT_DOUBLE_EQ(clip_grad_norm_(g.params(), 6.5), 13.0);
  const double c = 6.5 / (13 + 1e-6);
  EXPECT_EQ(g.a.grad().to_vector(), (std::vector<double>{3 * c, 4 * c}));
  EXPECT_EQ(g.b.grad().to_vector(), (std::vector<double>{-12 * c}));
}

TEST(ClipGradNorm, LeavesSmallGradientsAlone) {
  Grads g;
  EXPECT_DOUBLE_EQ(clip_grad_norm_(g.params(), 100), 13.0);
  EXPECT_EQ(g.a.grad().to_vector(), (std::vector<double>{3, 4}));
}

TEST(ClipGradNorm, OtherNorms) {
  Grads g;
  EXPECT_DOUBLE_EQ(clip_grad_norm_(g.params(), 100, 1.0), 19.0);  // |3| + |4| + |-12|
  EXPECT_DOUBLE_EQ(clip_grad_norm_(g.params(), 100, std::numeric_limits<double>::infinity()), 12.0);
  EXPECT_NEAR(clip_grad_norm_(g.params(), 100, 3.0), std::cbrt(27.0 + 64 + 1728), 1e-12);
}

TEST(ClipGradNorm, SkipsParametersWithoutGradients) {
  Grads g;
  Tensor none = tensor({1.0}, Dtype::Float64).requires_grad_();
  EXPECT_DOUBLE_EQ(clip_grad_norm_({g.a, none}, 1.0), 5.0);
  EXPECT_FALSE(none.grad().defined());
  EXPECT_EQ(clip_grad_norm_({none}, 1.0), 0.0);
  EXPECT_THROW(clip_grad_norm_(g.params(), -1.0), ValueError);
  EXPECT_THROW(clip_grad_norm_(g.params(), 1.0, 0.0), ValueError);
}

TEST(ClipGradValue, ClampsEachElement) {
  Grads g;
  clip_grad_value_(g.params(), 3.5);
  EXPECT_EQ(g.a.grad().to_vector(), (std::vector<double>{3, 3.5}));
  EXPECT_EQ(g.b.grad().to_vector(), (std::vector<double>{-3.5}));
  EXPECT_THROW(clip_grad_value_(g.params(), -1.0), ValueError);
}

}  // namespace
}  // namespace descent::nn::utils
