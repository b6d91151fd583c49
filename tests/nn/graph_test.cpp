// nn::Graph and the merge layers: a layer taking an earlier output, Add and Concat computing what they
// should, the float64 gradcheck of a small residual and dense graph (its whole input Jacobian and every
// parameter's gradient), names, hook and mode as a Sequential's, and the wiring errors.
#include "descent/nn/graph.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

constexpr Dtype kGraphF64 = Dtype::Float64;

// x (N, 4) -> 0 linear -> 1 tanh -> 2 linear -> 3 add of 0's output -> 4 linear 4->3 of 1's output
// -> 5 concat with 3's output, (N, 7) -> 6 linear 7->2.
std::shared_ptr<Graph> small_graph() {
  Generator gen(3);
  auto g = std::make_shared<Graph>();
  g->push_back(std::make_shared<Linear>(4, 4, LinearOptions{.dtype = kGraphF64, .generator = &gen}));
  g->push_back(std::make_shared<Tanh>());
  g->push_back(std::make_shared<Linear>(4, 4, LinearOptions{.dtype = kGraphF64, .generator = &gen}));
  g->push_back(std::make_shared<Add>(std::vector<std::string>{"first"}), {.input = std::nullopt, .merged = {0}});
  g->push_back(std::make_shared<Linear>(4, 3, LinearOptions{.dtype = kGraphF64, .generator = &gen}),
               {.input = 1, .merged = {}});
  g->push_back(std::make_shared<Concat>(1, std::vector<std::string>{"sum"}), {.input = std::nullopt, .merged = {3}});
  g->push_back(std::make_shared<Linear>(7, 2, LinearOptions{.dtype = kGraphF64, .generator = &gen}));
  return g;
}

TEST(Graph, ComputesTheWiredFunction) {
  auto g = small_graph();
  const Tensor x = uniform(Shape{3, 4}, -1, 1, kGraphF64);
  const auto& m = *g;
  const Tensor a = m[0]->forward(x), t = tanh(a), s = m[2]->forward(t) + a;
  const Tensor expected = m[6]->forward(cat({m[4]->forward(t), s}, 1));
  const std::vector<double> got = g->forward(x).to_vector(), want = expected.to_vector();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << i;
}

TEST(Graph, GradcheckOfTheInputAndEveryParameter) {
  auto g = small_graph();
  const Tensor x = uniform(Shape{3, 4}, -1, 1, kGraphF64);
  const GradcheckResult r = gradcheck([&](const std::vector<Tensor>& in) { return g->forward(in[0]); }, {x});
  EXPECT_TRUE(r.passed) << r.report();
  const Tensor y = uniform(Shape{3, 2}, -1, 1, kGraphF64);
  const auto m = diagnostics::gradcheck_model(*g, [](const Tensor& out, const Tensor& t) { return mse_loss(out, t); },
                                              x, y, {.samples = 0});
  EXPECT_TRUE(m.passed) << m.report();
  EXPECT_EQ(m.parameters.size(), 8u);
}

TEST(Graph, NamesHookAndModeAreASequentials) {
  auto g = small_graph();
  const auto state = g->state_dict();
  EXPECT_TRUE(state.count("0.weight"));
  EXPECT_TRUE(state.count("4.bias"));
  EXPECT_TRUE(state.count("6.weight"));
  EXPECT_EQ(state.size(), 8u);
  std::vector<std::size_t> seen;
  std::vector<Shape> shapes;
  g->set_forward_hook([&](std::size_t i, const Tensor& out) {
    seen.push_back(i);
    shapes.push_back(out.shape());
  });
  g->forward(zeros(Shape{2, 4}, kGraphF64));
  EXPECT_EQ(seen, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(shapes[4], (Shape{2, 3}));
  EXPECT_EQ(shapes[5], (Shape{2, 7}));
  g->eval();
  EXPECT_FALSE((*g)[3]->is_training());
  const std::string text = to_string(*g);
  EXPECT_NE(text.find("Graph(\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(3): Add(inputs=['first'])"), std::string::npos) << text;
  EXPECT_NE(text.find("(5): Concat(dim=1, inputs=['sum'])"), std::string::npos) << text;
}

TEST(Graph, WiringErrors) {
  Graph g;
  g.push_back(std::make_shared<Identity>());
  EXPECT_THROW(g.push_back(std::make_shared<Identity>(), {.input = std::nullopt, .merged = {0}}),
               ValueError);  // not a Merge
  EXPECT_THROW(g.push_back(std::make_shared<Add>(), {.input = std::nullopt, .merged = {1}}),
               ValueError);  // not earlier
  EXPECT_THROW(g.push_back(std::make_shared<Identity>(), {.input = 5, .merged = {}}), ValueError);
  EXPECT_EQ(g.size(), 1u);
}

TEST(Merge, AddTakesOneShapeAndConcatJoinsChannels) {
  Add add;
  const Tensor a = ones(Shape{2, 3}), b = full(Shape{2, 3}, 2.0);
  EXPECT_EQ(add.merge({a, b, b}).to_vector(), std::vector<double>(6, 5.0));
  EXPECT_THROW(add.merge({a, ones(Shape{2, 1})}), ShapeError);  // no broadcasting
  EXPECT_EQ(add.forward(a).to_vector(), a.to_vector());
  Concat concat(1);
  const Tensor c = concat.merge({zeros(Shape{2, 1, 2, 2}), ones(Shape{2, 2, 2, 2})});
  EXPECT_EQ(c.shape(), (Shape{2, 3, 2, 2}));
  EXPECT_EQ(c.to_vector()[3], 0.0);
  EXPECT_EQ(c.to_vector()[4], 1.0);
  EXPECT_THROW(concat.merge({zeros(Shape{2, 1, 2, 2}), ones(Shape{2, 2, 3, 2})}), ShapeError);
}

}  // namespace
}  // namespace descent::nn
