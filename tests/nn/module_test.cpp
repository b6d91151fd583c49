#include "descent/nn/module.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

std::shared_ptr<Sequential> mlp(Generator* gen) {
  return std::make_shared<Sequential>(std::initializer_list<std::shared_ptr<Module>>{
      std::make_shared<Linear>(4, 3, LinearOptions{.generator = gen}), std::make_shared<Sigmoid>(),
      std::make_shared<Linear>(3, 2, LinearOptions{.bias = false, .generator = gen})});
}

TEST(Module, ParametersAreNamedHierarchically) {
  Generator gen(0);
  auto model = mlp(&gen);
  std::vector<std::string> names;
  for (auto& [name, t] : model->named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight"}));
  EXPECT_EQ(model->parameters().size(), 3u);
  EXPECT_TRUE(model->parameters()[0].requires_grad());
  EXPECT_EQ(to_string(*model),
            "Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): Sigmoid()\n"
            "  (2): Linear(in_features=3, out_features=2, bias=False)\n)");
}

TEST(Module, LinearUsesPyTorchsDefaultInitBound) {
  Generator gen(1);
  Linear layer(100, 50, {.generator = &gen});
  const double bound = 1.0 / std::sqrt(100.0);
  double max_abs = 0;
  for (double v : layer.weight().to_vector()) max_abs = std::max(max_abs, std::abs(v));
  EXPECT_LE(max_abs, bound);
  EXPECT_GT(max_abs, 0.95 * bound);
  EXPECT_EQ(layer.weight().shape(), Shape({50, 100}));
  EXPECT_EQ(layer.forward(zeros(Shape{7, 100})).shape(), Shape({7, 50}));
  EXPECT_THROW(layer.forward(zeros(Shape{7, 99})), ShapeError);
}

TEST(Module, InitializersFollowTheirFormulas) {
  Generator gen(2);
  Tensor w = Tensor::empty(Shape{200, 300}, Dtype::Float64);
  auto stddev = [&] {
    double s = 0;
    for (double v : w.to_vector()) s += v * v;
    return std::sqrt(s / w.numel());
  };
  init::xavier_normal_(w, 1.0, &gen);
  EXPECT_NEAR(stddev(), std::sqrt(2.0 / 500.0), 0.002);
  init::kaiming_normal_(w, 0.0, init::FanMode::FanIn, "relu", &gen);
  EXPECT_NEAR(stddev(), std::sqrt(2.0 / 300.0), 0.002);
  init::xavier_uniform_(w, 1.0, &gen);
  EXPECT_NEAR(stddev(), std::sqrt(6.0 / 500.0) / std::sqrt(3.0), 0.002);  // U(-b, b) has std b / sqrt(3)
  init::kaiming_uniform_(w, 0.0, init::FanMode::FanOut, "relu", &gen);
  EXPECT_NEAR(stddev(), std::sqrt(2.0 / 200.0), 0.002);
  init::normal_(w, 0.0, 1.0, &gen);  // Nielsen's N(0, 1)
  EXPECT_NEAR(stddev(), 1.0, 0.01);
  EXPECT_DOUBLE_EQ(init::calculate_gain("tanh"), 5.0 / 3.0);
}

TEST(Module, StateDictRoundTrips) {
  Generator g1(1), g2(2);
  auto a = mlp(&g1), b = mlp(&g2);
  b->load_state_dict(a->state_dict());
  for (auto& [name, t] : a->state_dict()) EXPECT_EQ(t.to_vector(), b->state_dict().at(name).to_vector()) << name;
  auto bad = a->state_dict();
  bad["0.weight"] = zeros(Shape{2, 2});
  EXPECT_THROW(b->load_state_dict(bad), ShapeError);
  bad.erase("0.weight");
  EXPECT_THROW(b->load_state_dict(bad), ValueError);
}

TEST(Module, ToConvertsParametersInPlace) {
  Generator gen(0);
  auto model = mlp(&gen);
  const Tensor w = model->parameters()[0];
  const double v = w.at(0);
  model->to(Dtype::Float64);
  EXPECT_EQ(w.dtype(), Dtype::Float64);  // the same handle sees the conversion
  EXPECT_DOUBLE_EQ(w.at(0), static_cast<float>(v));
  EXPECT_EQ(model->forward(zeros(Shape{1, 4}, Dtype::Float64)).dtype(), Dtype::Float64);
}

TEST(Module, SharedModuleAccumulatesGradientsOfEveryUse) {
  Generator gen(0);
  Linear layer(2, 2, {.dtype = Dtype::Float64, .generator = &gen});
  const Tensor x1 = tensor({1.0, 2.0}, Dtype::Float64).reshape(Shape{1, 2});
  const Tensor x2 = tensor({-1.0, 0.5}, Dtype::Float64).reshape(Shape{1, 2});
  sum(layer(x1)).backward();
  const auto g1 = layer.weight().grad().to_vector();
  layer.zero_grad();
  sum(layer(x2)).backward();
  const auto g2 = layer.weight().grad().to_vector();
  layer.zero_grad();
  sum(layer(x1) + layer(x2)).backward();
  const auto both = layer.weight().grad().to_vector();
  for (std::size_t i = 0; i < both.size(); ++i) EXPECT_DOUBLE_EQ(both[i], g1[i] + g2[i]);
}

}  // namespace
}  // namespace descent::nn
