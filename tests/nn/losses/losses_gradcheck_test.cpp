// Every loss, for every reduction, and the distances: a float64 central-difference check of the whole
// Jacobian, with respect to every differentiable input, driven by one table. Inputs are deterministic
// sines (as tests/reference/losses.py makes them) placed off every kink: residuals away from 0 and from
// delta / beta, margins neither just met nor just missed, no zero distances.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&, Reduction)>;

struct LossCase {
  std::string name;
  std::vector<Tensor> inputs;  // float64, each differentiated
  Fn f;
};

void PrintTo(const LossCase& c, std::ostream* os) { *os << c.name; }

// scale * sin(phase + 0.7 i) + shift for the flat index i.
Tensor det(const Shape& shape, double phase, double scale = 1.0, double shift = 0.0) {
  std::vector<double> v(static_cast<std::size_t>(numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * std::sin(phase + 0.7 * static_cast<double>(i)) + shift;
  return from_vector(v, shape, Dtype::Float64);
}

Tensor f64_tensor(std::vector<double> v, Shape s) { return from_vector(v, s, Dtype::Float64); }

std::vector<LossCase> loss_cases() {
  // residuals r = x - y off 0 and off 0.5, 1 (the thresholds below)
  const Tensor x = det({3, 4}, 0.1, 1.5);
  const Tensor r = f64_tensor({-2.3, -1.4, -0.7, -0.3, 0.2, 0.45, 0.8, 1.2, 1.7, 2.5, -0.15, 0.6}, {3, 4});
  const Tensor y = kernels::binary(kernels::BinaryOp::Sub, x, r);
  const Tensor prob = det({3, 4}, 0.4, 0.45, 0.5), soft = det({3, 4}, 1.1, 0.5, 0.5);
  const Tensor logit = det({3, 4}, 0.7, 3.0);
  const Tensor big = f64_tensor({100, -100, 1000, -1000, 30, -30}, {6}),
               big_target = f64_tensor({1, 0, 0.3, 0.7, 1, 0}, {6});
  const Tensor w = f64_tensor({0.5, 1.0, 2.0, 1.5}, {4}), pw = f64_tensor({3.0, 0.5, 1.0, 0.25}, {4});
  const Tensor classes = from_vector(std::vector<std::int64_t>{2, 0, 3, 1, 2}, Shape{5});
  const Tensor cw = f64_tensor({0.2, 1.0, 3.0, 0.7}, {4});
  const Tensor h = f64_tensor({1.2, 0.3, 2.0, -0.5, 0.7, 1.6, -0.2, 0.4}, {2, 4});  // margin 1 - h off 0
  const Tensor hy = f64_tensor({1, -1, -1, 1, -1, -1, 1, -1}, {2, 4});
  // cosines 0.53, 0.43, 0.22, -0.04, -0.31, -0.52 (y = -1 rows: 0.43, -0.04, -0.31; margin 0.3)
  const Tensor e1 = det({6, 4}, 0.3);
  const Tensor e2 =
      kernels::binary(kernels::BinaryOp::Add, det({6, 4}, 1.9),
                      det({6, 5}, 0.1, 0.5).view_transposed(0, 1).view_narrowed(0, 4).view_transposed(0, 1));
  const Tensor ey = f64_tensor({1, -1, 1, -1, -1, 1}, {6});
  // -y (x1 - x2) + 0.5 = 1.2, 1.5, -0.4, -0.3, 1.4, 0.7
  const Tensor r1 = f64_tensor({0.3, 1.2, 1.4, 0.9, 2.0, -1.1}, {6}),
               r2 = f64_tensor({1.0, 0.2, 0.5, 0.1, 1.1, -1.3}, {6});
  const Tensor ry = f64_tensor({1, -1, 1, 1, -1, -1}, {6});
  // triplets: d(a, p) - d(a, n) = 0.28, -1.39, -0.48, -1.78, -0.61 (margins 1 and 0.5 off every one)
  const Tensor a = det({5, 3}, 0.0);
  const Tensor pos = kernels::binary(kernels::BinaryOp::Add, a, det({5, 3}, 1.3, 0.4));
  const Tensor neg = kernels::binary(
      kernels::BinaryOp::Add, a,
      kernels::binary(kernels::BinaryOp::Mul, f64_tensor({0.3, 1.5, 0.6, 2.5, 0.9}, {5, 1}), det({5, 3}, 2.6)));
  // pairs at distances 0.19 .. 1.36; y = 0 rows on both sides of margin 1
  const Tensor c1 = det({6, 3}, 0.9);
  const Tensor c2 = kernels::binary(kernels::BinaryOp::Add, c1, det({6, 3}, 0.2, 0.7));
  const Tensor cy = f64_tensor({1, 0, 0, 1, 0, 0}, {6});

  return {
      {"l1_loss", {x, y}, [](auto& v, Reduction rd) { return l1_loss(v[0], v[1], rd); }},
      {"mse_loss", {x, y}, [](auto& v, Reduction rd) { return mse_loss(v[0], v[1], rd); }},
      {"huber_loss", {x, y}, [](auto& v, Reduction rd) { return huber_loss(v[0], v[1], rd); }},
      {"huber_loss_delta_0.5",
       {x, y},
       [](auto& v, Reduction rd) { return huber_loss(v[0], v[1], {.delta = 0.5, .reduction = rd}); }},
      {"smooth_l1_loss", {x, y}, [](auto& v, Reduction rd) { return smooth_l1_loss(v[0], v[1], rd); }},
      {"smooth_l1_loss_beta_0.5",
       {x, y},
       [](auto& v, Reduction rd) { return smooth_l1_loss(v[0], v[1], {.beta = 0.5, .reduction = rd}); }},
      {"smooth_l1_loss_beta_0",
       {x, y},
       [](auto& v, Reduction rd) { return smooth_l1_loss(v[0], v[1], {.beta = 0.0, .reduction = rd}); }},
      {"binary_cross_entropy",
       {prob, soft},
       [](auto& v, Reduction rd) { return binary_cross_entropy(v[0], v[1], rd); }},
      {"binary_cross_entropy_weight",
       {prob, soft},
       [w](auto& v, Reduction rd) { return binary_cross_entropy(v[0], v[1], {.weight = w, .reduction = rd}); }},
      {"binary_cross_entropy_with_logits",
       {logit, soft},
       [](auto& v, Reduction rd) { return binary_cross_entropy_with_logits(v[0], v[1], rd); }},
      {"binary_cross_entropy_with_logits_weights",
       {logit, soft},
       [w, pw](auto& v, Reduction rd) {
         return binary_cross_entropy_with_logits(v[0], v[1], {.weight = w, .pos_weight = pw, .reduction = rd});
       }},
      // targets of 0 and 1 cannot move both ways: only the logits are differentiated here
      {"binary_cross_entropy_with_logits_large",
       {big},
       [big_target](auto& v, Reduction rd) {
         return binary_cross_entropy_with_logits(v[0], big_target.to(v[0].dtype()), rd);
       }},
      {"binary_cross_entropy_with_logits_large_pos_weight",
       {big},
       [big_target](auto& v, Reduction rd) {
         return binary_cross_entropy_with_logits(v[0], big_target.to(v[0].dtype()),
                                                 {.pos_weight = scalar_tensor(2.5, Dtype::Float64), .reduction = rd});
       }},
      {"nll_loss", {det({5, 4}, 0.2, 2.0)}, [classes](auto& v, Reduction rd) { return nll_loss(v[0], classes, rd); }},
      {"nll_loss_weight",
       {det({5, 4}, 0.2, 2.0)},
       [classes, cw](auto& v, Reduction rd) { return nll_loss(v[0], classes, {.weight = cw, .reduction = rd}); }},
      {"cross_entropy",
       {det({5, 4}, 0.2, 2.0)},
       [classes](auto& v, Reduction rd) { return cross_entropy(v[0], classes, rd); }},
      {"cross_entropy_weight",
       {det({5, 4}, 0.2, 2.0)},
       [classes, cw](auto& v, Reduction rd) { return cross_entropy(v[0], classes, {.weight = cw, .reduction = rd}); }},
      {"cross_entropy_weight_label_smoothing",
       {det({5, 4}, 0.2, 2.0)},
       [classes, cw](auto& v, Reduction rd) {
         return cross_entropy(v[0], classes, {.weight = cw, .label_smoothing = 0.2, .reduction = rd});
       }},
      {"cross_entropy_label_smoothing",
       {det({5, 4}, 0.2, 2.0)},
       [classes](auto& v, Reduction rd) {
         return cross_entropy(v[0], classes, {.label_smoothing = 0.1, .reduction = rd});
       }},
      {"hinge_embedding_loss", {h}, [hy](auto& v, Reduction rd) { return hinge_embedding_loss(v[0], hy, rd); }},
      {"cosine_embedding_loss",
       {e1, e2},
       [ey](auto& v, Reduction rd) { return cosine_embedding_loss(v[0], v[1], ey, {.margin = 0.3, .reduction = rd}); }},
      {"margin_ranking_loss",
       {r1, r2},
       [ry](auto& v, Reduction rd) { return margin_ranking_loss(v[0], v[1], ry, {.margin = 0.5, .reduction = rd}); }},
      {"triplet_margin_loss",
       {a, pos, neg},
       [](auto& v, Reduction rd) { return triplet_margin_loss(v[0], v[1], v[2], rd); }},
      {"triplet_margin_loss_swap_p_3",
       {a, pos, neg},
       [](auto& v, Reduction rd) {
         return triplet_margin_loss(v[0], v[1], v[2], {.margin = 0.5, .p = 3.0, .swap = true, .reduction = rd});
       }},
      {"contrastive_loss", {c1, c2}, [cy](auto& v, Reduction rd) { return contrastive_loss(v[0], v[1], cy, rd); }},
      // the distances have no reduction: each case reduces their output as a loss would
      {"pairwise_distance", {e1, e2}, [](auto& v, Reduction rd) { return reduce(pairwise_distance(v[0], v[1]), rd); }},
      {"pairwise_distance_p_1_keepdim",
       {e1, e2},
       [](auto& v, Reduction rd) { return reduce(pairwise_distance(v[0], v[1], 1.0, 1e-6, true), rd); }},
      {"pairwise_distance_p_3_broadcast",
       {e1, det({4}, 0.5)},
       [](auto& v, Reduction rd) { return reduce(pairwise_distance(v[0], v[1], 3.0), rd); }},
      {"cosine_similarity", {e1, e2}, [](auto& v, Reduction rd) { return reduce(cosine_similarity(v[0], v[1]), rd); }},
      {"cosine_similarity_dim_0_broadcast",
       {e1, det({6, 1}, 0.8)},
       [](auto& v, Reduction rd) { return reduce(cosine_similarity(v[0], v[1], 0), rd); }},
  };
}

class LossGradcheck : public ::testing::TestWithParam<LossCase> {};

TEST_P(LossGradcheck, AnalyticJacobianMatchesCentralDifferences) {
  const LossCase& c = GetParam();
  for (Reduction rd : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    const GradcheckResult result = gradcheck([&](const std::vector<Tensor>& v) { return c.f(v, rd); }, c.inputs);
    EXPECT_TRUE(result.passed) << c.name << " (" << to_string(rd) << ")\n" << result.report();
  }
}

// The same losses in float32 (labels, weights and pos_weight stay float64 and are converted): values
// and gradients within float32 rounding of the float64 ones.
TEST_P(LossGradcheck, Float32AgreesWithFloat64) {
  const LossCase& c = GetParam();
  auto run = [&](Dtype dtype) {
    std::vector<Tensor> leaves;
    for (const Tensor& x : c.inputs) leaves.push_back(kernels::cast(x.detach(), dtype).requires_grad_());  // own leaves
    const Tensor loss = c.f(leaves, Reduction::Sum);
    loss.backward();
    std::vector<double> values{loss.item()};
    for (const Tensor& x : leaves)
      for (double g : x.grad().to_vector()) values.push_back(g);
    return values;
  };
  const std::vector<double> single = run(Dtype::Float32), twice = run(Dtype::Float64);
  ASSERT_EQ(single.size(), twice.size());
  for (std::size_t i = 0; i < single.size(); ++i)
    EXPECT_NEAR(single[i], twice[i], 1e-4 * std::max(1.0, std::abs(twice[i]))) << c.name << " at " << i;
}

INSTANTIATE_TEST_SUITE_P(EveryLoss, LossGradcheck, ::testing::ValuesIn(loss_cases()), [](const auto& param_info) {
  std::string name = param_info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
});

}  // namespace
}  // namespace descent::nn
