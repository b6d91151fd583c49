// SGD against two steps derived by hand from torch.optim.SGD's documented update (see sgd.hpp):
//   b1 = g1; b2 = momentum b1 + (1 - dampening) g2; nesterov: g + momentum b; p -= lr * (b or g + mu b)
#include "descent/optim/sgd.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent::optim {
namespace {

// f(p) = 1/2 p^2 elementwise, so the gradient is p itself: every step is computable by hand.
std::vector<double> run_two_steps(SGDOptions o, double p0) {
  Tensor p = tensor({p0}, Dtype::Float64).requires_grad_();
  SGD opt(std::vector<Tensor>{p}, o);
  std::vector<double> out;
  for (int i = 0; i < 2; ++i) {
    opt.zero_grad();
    (pow(p, 2.0) * 0.5).sum().backward();
    opt.step();
    out.push_back(p.item());
  }
  return out;
}

TEST(SGD, PlainStepIsLrTimesGradient) {
  // p1 = 2 - 0.1 * 2 = 1.8; p2 = 1.8 - 0.1 * 1.8 = 1.62
  const auto p = run_two_steps({.lr = 0.1}, 2.0);
  EXPECT_NEAR(p[0], 1.8, 1e-15);
  EXPECT_NEAR(p[1], 1.62, 1e-15);
}

TEST(SGD, Momentum) {
  // b1 = 2, p1 = 2 - 0.1 * 2 = 1.8; b2 = 0.9 * 2 + 1.8 = 3.6, p2 = 1.8 - 0.36 = 1.44
  const auto p = run_two_steps({.lr = 0.1, .momentum = 0.9}, 2.0);
  EXPECT_NEAR(p[0], 1.8, 1e-15);
  EXPECT_NEAR(p[1], 1.44, 1e-15);
}

TEST(SGD, MomentumWithDampening) {
  // b1 = g1 = 2 (no dampening on the first step), p1 = 1.8; b2 = 0.9 * 2 + 0.5 * 1.8 = 2.7, p2 = 1.8 - 0.27 = 1.53
  const auto p = run_two_steps({.lr = 0.1, .momentum = 0.9, .dampening = 0.5}, 2.0);
  EXPECT_NEAR(p[0], 1.8, 1e-15);
  EXPECT_NEAR(p[1], 1.53, 1e-15);
}

TEST(SGD, Nesterov) {
  // b1 = 2, step g1 + 0.9 b1 = 3.8, p1 = 2 - 0.38 = 1.62
  // b2 = 0.9 * 2 + 1.62 = 3.42, step 1.62 + 0.9 * 3.42 = 4.698, p2 = 1.62 - 0.4698 = 1.1502
  const auto p = run_two_steps({.lr = 0.1, .momentum = 0.9, .nesterov = true}, 2.0);
  EXPECT_NEAR(p[0], 1.62, 1e-15);
  EXPECT_NEAR(p[1], 1.1502, 1e-14);
}

TEST(SGD, WeightDecay) {
  // g = p + 0.5 p = 1.5 p: p1 = 2 - 0.1 * 3 = 1.7; p2 = 1.7 - 0.1 * 2.55 = 1.445
  const auto p = run_two_steps({.lr = 0.1, .weight_decay = 0.5}, 2.0);
  EXPECT_NEAR(p[0], 1.7, 1e-15);
  EXPECT_NEAR(p[1], 1.445, 1e-15);
}

TEST(SGD, MaximizeClimbs) {
  // p1 = 2 + 0.1 * 2 = 2.2; p2 = 2.2 * 1.1 = 2.42
  const auto p = run_two_steps({.lr = 0.1, .maximize = true}, 2.0);
  EXPECT_NEAR(p[0], 2.2, 1e-15);
  EXPECT_NEAR(p[1], 2.42, 1e-14);
}

TEST(SGD, RejectsInvalidOptions) {
  Tensor p = tensor({1.0}).requires_grad_();
  try {
    SGD(std::vector<Tensor>{p}, {.lr = -0.1});
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("lr = -0.1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SGD(std::vector<Tensor>{p}, {.lr = 0.1, .nesterov = true}), ValueError);
  EXPECT_THROW(SGD(std::vector<Tensor>{p}, {.lr = 0.1, .dampening = 2}), ValueError);
  EXPECT_THROW(SGD(std::vector<Tensor>{tensor({1.0})}, {.lr = 0.1}), ValueError);  // no requires_grad
}

TEST(SGD, ZeroGradDropsOrZeroes) {
  Tensor p = tensor({1.0}).requires_grad_();
  SGD opt(std::vector<Tensor>{p}, {.lr = 0.1});
  (p * 3.0).sum().backward();
  opt.zero_grad(false);
  EXPECT_EQ(p.grad().item(), 0.0);
  opt.zero_grad();
  EXPECT_FALSE(p.grad().defined());
}

// plain_rate: the a of p <- p + a g where that is the whole update (per group), for a caller that
// fuses it into the product making g; stepped() then counts the update as step() would.
TEST(SGD, PlainRateOnlyWithoutMomentumOrWeightDecay) {
  Tensor p = tensor({1.0}).requires_grad_(), q = tensor({2.0}).requires_grad_();
  Tensor r = tensor({3.0}).requires_grad_(), s = tensor({4.0}).requires_grad_();
  SGD opt(std::vector<Tensor>{p}, {.lr = 0.1});
  opt.add_param_group(std::vector<Tensor>{q}, {.lr = 0.2, .momentum = 0.9});
  opt.add_param_group(std::vector<Tensor>{r}, {.lr = 0.3, .weight_decay = 0.01});
  opt.add_param_group(std::vector<Tensor>{s}, {.lr = 0.4, .maximize = true});
  EXPECT_EQ(opt.plain_rate(p), -0.1);
  EXPECT_FALSE(opt.plain_rate(q).has_value());
  EXPECT_FALSE(opt.plain_rate(r).has_value());
  EXPECT_EQ(opt.plain_rate(s), 0.4);
  EXPECT_FALSE(opt.plain_rate(tensor({5.0}).requires_grad_()).has_value());  // not this optimizer's
  opt.set_lr(0.5, 0);
  EXPECT_EQ(opt.plain_rate(p), -0.5);  // as a schedule sets it, read at each step

  // p updated outside step(), its grad left undefined: step() passes it by and counts it once
  opt.stepped(p);
  (q * 3.0).sum().backward();
  opt.step();
  EXPECT_EQ(p.item(), 1.0);
  EXPECT_EQ(opt.state("0")->step, 1);
  EXPECT_EQ(opt.state("1")->step, 1);
  EXPECT_EQ(opt.state("2"), nullptr);
  EXPECT_THROW(opt.stepped(tensor({5.0}).requires_grad_()), ValueError);
  EXPECT_FALSE(Adam(std::vector<Tensor>{p}, {.lr = 0.1}).plain_rate(p).has_value());
}

TEST(SGD, ConvergesOnAQuadratic) {
  // f(x, y) = (x - 3)^2 + 10 (y + 1)^2 with momentum reaches (3, -1)
  Tensor p = tensor({0.0, 0.0}, Dtype::Float64).requires_grad_();
  const Tensor c = tensor({3.0, -1.0}, Dtype::Float64), w = tensor({1.0, 10.0}, Dtype::Float64);
  SGD opt(std::vector<Tensor>{p}, {.lr = 0.02, .momentum = 0.9});
  for (int i = 0; i < 500; ++i) {
    opt.zero_grad();
    sum(w * pow(p - c, 2.0)).backward();
    opt.step();
  }
  EXPECT_NEAR(p.at(0), 3.0, 1e-6);
  EXPECT_NEAR(p.at(1), -1.0, 1e-6);
}

}  // namespace
}  // namespace descent::optim
