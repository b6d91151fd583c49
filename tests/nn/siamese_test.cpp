#include "descent/nn/siamese.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/diagnostics/gradcheck.hpp"
#include "descent/diagnostics/model_gradcheck.hpp"
#include "descent/error.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/distance.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/contrastive_loss.hpp"
#include "descent/nn/losses/embedding_loss.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::nn {
namespace {

std::shared_ptr<Sequential> tower(Generator& gen) {
  return std::make_shared<Sequential>(std::initializer_list<std::shared_ptr<Module>>{
      std::make_shared<Linear>(4, 5, LinearOptions{.dtype = Dtype::Float64, .generator = &gen}),
      std::make_shared<Tanh>(),
      std::make_shared<Linear>(5, 3, LinearOptions{.dtype = Dtype::Float64, .generator = &gen})});
}

TEST(Siamese, OneTowerRegisteredOnceAndEmbeddingsStacked) {
  Generator gen(1);
  auto t = tower(gen);
  Siamese siamese(t);
  ASSERT_EQ(siamese.named_parameters().size(), 4u);
  EXPECT_EQ(siamese.named_parameters()[0].first, "tower.0.weight");
  EXPECT_TRUE(siamese.named_parameters()[0].second.same(t->named_parameters()[0].second));

  const Tensor pairs = randn({6, 8}, Dtype::Float64, &gen);
  const Tensor e = siamese(pairs);
  ASSERT_EQ(e.shape(), (Shape{6, 2, 3}));
  // Each embedding is the tower applied to its half of the row.
  const std::vector<double> x = pairs.to_vector(), ev = e.to_vector();
  std::vector<double> first, second;
  for (int i = 0; i < 6; ++i)
    for (int k = 0; k < 8; ++k) (k < 4 ? first : second).push_back(x[i * 8 + k]);
  const std::vector<double> e1 = (*t)(from_vector(first, {6, 4}, Dtype::Float64)).to_vector();
  const std::vector<double> e2 = (*t)(from_vector(second, {6, 4}, Dtype::Float64)).to_vector();
  const auto [h1, h2] = siamese.embed(pairs);
  for (int i = 0; i < 6; ++i)
    for (int d = 0; d < 3; ++d) {
      EXPECT_DOUBLE_EQ(ev[i * 6 + d], e1[i * 3 + d]);
      EXPECT_DOUBLE_EQ(ev[i * 6 + 3 + d], e2[i * 3 + d]);
      EXPECT_DOUBLE_EQ(h1.to_vector()[i * 3 + d], e1[i * 3 + d]);
      EXPECT_DOUBLE_EQ(h2.to_vector()[i * 3 + d], e2[i * 3 + d]);
    }
  EXPECT_THROW(siamese(randn({2, 7}, Dtype::Float64, &gen)), ShapeError);
}

TEST(Siamese, SharedTowerGradientIsTheSumOfBothUses) {
  Generator gen(2);
  auto t = tower(gen);
  Siamese siamese(t);
  const Tensor pairs = randn({5, 8}, Dtype::Float64, &gen);
  const Tensor targets = from_vector(std::vector<double>{1, -1, 1, -1, -1}, {5}, Dtype::Float64);

  siamese.zero_grad();
  const auto [a, b] = siamese.embed(pairs);
  cosine_embedding_loss(a, b, targets).backward();
  std::vector<std::vector<double>> together;
  for (const Tensor& p : siamese.parameters()) together.push_back(p.grad().to_vector());

  // The same loss with each use's gradient taken alone, the other embedding held constant.
  const std::vector<double> x = pairs.to_vector();
  std::vector<double> first, second;
  for (int i = 0; i < 5; ++i)
    for (int k = 0; k < 8; ++k) (k < 4 ? first : second).push_back(x[i * 8 + k]);
  const Tensor x1 = from_vector(first, {5, 4}, Dtype::Float64), x2 = from_vector(second, {5, 4}, Dtype::Float64);
  std::vector<std::vector<double>> sum(together.size());
  for (int use = 0; use < 2; ++use) {
    t->zero_grad();
    const Tensor e1 = use == 0 ? (*t)(x1) : (*t)(x1).detach();
    const Tensor e2 = use == 1 ? (*t)(x2) : (*t)(x2).detach();
    cosine_embedding_loss(e1, e2, targets).backward();
    const auto params = t->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::vector<double> g = params[i].grad().to_vector();
      if (sum[i].empty()) sum[i].assign(g.size(), 0.0);
      for (std::size_t k = 0; k < g.size(); ++k) sum[i][k] += g[k];
    }
  }
  for (std::size_t i = 0; i < together.size(); ++i)
    for (std::size_t k = 0; k < together[i].size(); ++k) EXPECT_NEAR(together[i][k], sum[i][k], 1e-14) << i << "," << k;
}

TEST(Siamese, GradcheckThroughTheModelInFloat64) {
  Generator gen(3);
  Siamese siamese(tower(gen));
  const Tensor pairs = randn({6, 8}, Dtype::Float64, &gen);
  const Tensor pm = from_vector(std::vector<double>{1, -1, 1, -1, 1, -1}, {6}, Dtype::Float64);
  const Tensor labels = from_vector(std::vector<double>{1, 0, 1, 0, 1, 0}, {6}, Dtype::Float64);
  const auto cosine = [](const Tensor& e, const Tensor& y) {
    const auto [a, b] = Siamese::halves(e);
    return cosine_embedding_loss(a, b, y);
  };
  const auto contrastive = [](const Tensor& e, const Tensor& y) {
    const auto [a, b] = Siamese::halves(e);
    return contrastive_loss(a, b, y, {.margin = 3.0});
  };
  diagnostics::ModelGradcheckOptions all{.samples = 0};
  const auto r1 = diagnostics::gradcheck_model(siamese, cosine, pairs, pm, all);
  EXPECT_TRUE(r1.passed) << r1.report();
  const auto r2 = diagnostics::gradcheck_model(siamese, contrastive, pairs, labels, all);
  EXPECT_TRUE(r2.passed) << r2.report();
  // And with respect to the pairs themselves, through both scores.
  for (PairScore score : {PairScore::Cosine, PairScore::Euclidean}) {
    const auto r = gradcheck([&](const std::vector<Tensor>& in) { return pair_score(siamese(in[0]), score); }, {pairs});
    EXPECT_TRUE(r.passed);
  }
}

TEST(Siamese, PairScores) {
  // Pair 0: (1, 0) and (0, 2); pair 1: (3, 4) and (3, 4).
  const Tensor e = from_vector(std::vector<double>{1, 0, 0, 2, 3, 4, 3, 4}, {2, 2, 2}, Dtype::Float64);
  const std::vector<double> c = pair_score(e, PairScore::Cosine).to_vector();
  const std::vector<double> d = pair_score(e, PairScore::Euclidean).to_vector();
  EXPECT_NEAR(c[0], 0.0, 1e-15);
  EXPECT_NEAR(c[1], 1.0, 1e-15);
  EXPECT_NEAR(d[0], std::sqrt(5.0), 1e-15);
  EXPECT_EQ(d[1], 0.0);
}

}  // namespace
}  // namespace descent::nn
