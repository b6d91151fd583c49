// The optimizer base: state dicts keyed by parameter name (a run resumed from one continues bit for
// bit), parameter groups with options of their own, and the checks on both.
#include "descent/optim/optimizer.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/optim/adam.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/optim/sgd.hpp"
#include "optim/spec_print.hpp"

namespace descent::optim {
namespace {

// A small problem whose gradients keep changing: weight (3, 2) and bias (3) in float64, loss
// sum c (w - 0.5)^2 + sum (b + 1)^4 with c = 1..6.
struct Problem {
  Tensor w = from_vector({0.3, -0.2, 0.8, 1.5, -1.0, 0.1}, Shape{3, 2}, Dtype::Float64).requires_grad_();
  Tensor b = tensor({0.5, -0.5, 2.0}, Dtype::Float64).requires_grad_();
  NamedParameters named() const { return {{"layer.weight", w}, {"layer.bias", b}}; }

  void step(Optimizer& opt) const {
    const Tensor c = from_vector({1, 2, 3, 4, 5, 6}, Shape{3, 2}, Dtype::Float64);
    opt.zero_grad();
    (sum(c * pow(w - 0.5, 2.0)) + sum(pow(b + 1.0, 4.0))).backward();
    opt.step();
  }
  std::vector<double> values() const {
    std::vector<double> v = w.to_vector();
    for (double x : b.to_vector()) v.push_back(x);
    return v;
  }
  // A second problem starting where this one is now.
  Problem copy() const {
    Problem p;
    NoGradGuard no_grad;
    kernels::copy_(p.w, w);
    kernels::copy_(p.b, b);
    return p;
  }
};

class StateDictResume : public ::testing::TestWithParam<OptimizerSpec> {};

TEST_P(StateDictResume, ContinuesBitForBit) {
  constexpr int kBefore = 7, kAfter = 5;
  Problem straight;
  auto opt = make_optimizer(GetParam(), straight.named());
  for (int i = 0; i < kBefore; ++i) straight.step(*opt);
  const OptimizerState saved = opt->state_dict();
  Problem resumed = straight.copy();
  for (int i = 0; i < kAfter; ++i) straight.step(*opt);

  auto fresh = make_optimizer(GetParam(), resumed.named());
  fresh->load_state_dict(saved);
  for (int i = 0; i < kAfter; ++i) resumed.step(*fresh);
  EXPECT_EQ(resumed.values(), straight.values());
  EXPECT_EQ(fresh->state("layer.weight")->step, kBefore + kAfter);
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, StateDictResume,
    ::testing::Values(OptimizerSpec{"sgd", {{"lr", "0.01"}, {"momentum", "0.9"}, {"nesterov", "true"}}},
                      OptimizerSpec{"sgd", {{"lr", "0.01"}, {"momentum", "0.8"}, {"dampening", "0.3"}}},
                      OptimizerSpec{"adagrad", {{"lr", "0.1"}, {"lr_decay", "0.05"}}}, OptimizerSpec{"adadelta", {}},
                      OptimizerSpec{"rmsprop", {{"centered", "true"}, {"momentum", "0.5"}}},
                      OptimizerSpec{"adam", {{"lr", "0.05"}, {"amsgrad", "true"}}},
                      OptimizerSpec{"adamw", {{"lr", "0.05"}}}),
    [](const ::testing::TestParamInfo<OptimizerSpec>& param_info) {
      return param_info.param.name + std::to_string(param_info.index);
    });

TEST(OptimizerState, KeyedByParameterName) {
  Problem p;
  Adam opt(p.named(), {.lr = 0.1, .amsgrad = true});
  p.step(opt);
  const OptimizerState s = opt.state_dict();
  std::vector<std::string> tensors, scalars;
  for (const auto& [k, v] : s.tensors) tensors.push_back(k);
  for (const auto& [k, v] : s.scalars) scalars.push_back(k);
  EXPECT_EQ(tensors, (std::vector<std::string>{"layer.bias.exp_avg", "layer.bias.exp_avg_sq",
                                               "layer.bias.max_exp_avg_sq", "layer.weight.exp_avg",
                                               "layer.weight.exp_avg_sq", "layer.weight.max_exp_avg_sq"}));
  EXPECT_EQ(scalars,
            (std::vector<std::string>{"layer.bias.step", "layer.weight.step", "param_groups.0.amsgrad",
                                      "param_groups.0.betas[0]", "param_groups.0.betas[1]", "param_groups.0.eps",
                                      "param_groups.0.lr", "param_groups.0.maximize", "param_groups.0.weight_decay"}));
  EXPECT_EQ(s.scalars.at("layer.weight.step"), 1.0);
  EXPECT_EQ(s.scalars.at("param_groups.0.amsgrad"), 1.0);
  EXPECT_EQ(s.tensors.at("layer.weight.exp_avg").shape(), (Shape{3, 2}));
}

TEST(OptimizerState, StateDictIsACopy) {
  Problem p;
  SGD opt(p.named(), {.lr = 0.1, .momentum = 0.9});
  p.step(opt);
  const OptimizerState s = opt.state_dict();
  const auto before = s.tensors.at("layer.bias.momentum_buffer").to_vector();
  p.step(opt);
  EXPECT_EQ(s.tensors.at("layer.bias.momentum_buffer").to_vector(), before);
}

TEST(OptimizerState, LoadsByNameWhateverTheOrder) {
  Problem p;
  SGD opt(p.named(), {.lr = 0.1, .momentum = 0.9});
  p.step(opt);
  Problem q = p.copy();
  SGD reordered(NamedParameters{{"layer.bias", q.b}, {"layer.weight", q.w}}, {.lr = 0.1, .momentum = 0.9});
  reordered.load_state_dict(opt.state_dict());
  p.step(opt);
  q.step(reordered);
  EXPECT_EQ(q.values(), p.values());
}

TEST(OptimizerState, RestoresGroupOptions) {
  Problem p;
  Adam opt(p.named(), {.lr = 0.1});
  opt.set_lr(0.02);  // as a scheduler would
  Problem q = p.copy();
  Adam fresh(q.named());
  fresh.load_state_dict(opt.state_dict());
  EXPECT_EQ(fresh.lr(), 0.02);
  EXPECT_EQ(fresh.options().betas, (Betas{0.9, 0.999}));
}

TEST(OptimizerState, RejectsStateItCannotUse) {
  Problem p;
  Adam adam(p.named(), {.lr = 0.1});
  p.step(adam);
  const OptimizerState adam_state = adam.state_dict();
  SGD sgd(p.named(), {.lr = 0.1, .momentum = 0.9});
  try {
    sgd.load_state_dict(adam_state);
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("SGD keeps no buffer \"exp_avg\" (its buffers: momentum_buffer)"),
              std::string::npos)
        << e.what();
  }

  OptimizerState unknown = adam_state;
  unknown.tensors["other.weight.exp_avg"] = unknown.tensors.at("layer.weight.exp_avg");
  EXPECT_THROW(adam.load_state_dict(unknown), ValueError);

  OptimizerState reshaped = adam_state;
  reshaped.tensors["layer.bias.exp_avg"] = zeros(Shape{4}, Dtype::Float64);
  EXPECT_THROW(adam.load_state_dict(reshaped), ShapeError);

  OptimizerState bad_option = adam_state;
  bad_option.scalars["param_groups.0.betas[1]"] = 1.5;
  bad_option.scalars["param_groups.0.lr"] = 0.5;
  EXPECT_THROW(adam.load_state_dict(bad_option), OptionError);
  EXPECT_EQ(adam.lr(), 0.1);  // nothing changed
  EXPECT_EQ(adam.state("layer.bias")->step, 1);

  OptimizerState no_group = adam_state;
  no_group.scalars["param_groups.1.lr"] = 0.1;
  EXPECT_THROW(adam.load_state_dict(no_group), ValueError);
}

TEST(ParamGroups, EachGroupHasItsOwnOptions) {
  Tensor a = tensor({1.0}, Dtype::Float64).requires_grad_(), b = tensor({1.0}, Dtype::Float64).requires_grad_();
  SGD opt(std::vector<Tensor>{a}, {.lr = 0.1});
  opt.add_param_group(std::vector<Tensor>{b}, {.lr = 0.01, .momentum = 0.9});
  ASSERT_EQ(opt.num_param_groups(), 2u);
  EXPECT_EQ(opt.param_group(1)[0].first, "1");  // named by position over all groups
  EXPECT_EQ(opt.options(1).momentum, 0.9);
  for (int i = 0; i < 2; ++i) {
    opt.zero_grad();
    (a * 2.0 + b * 2.0).sum().backward();
    opt.step();
  }
  EXPECT_NEAR(a.item(), 1 - 2 * 0.2, 1e-15);           // two plain steps of 0.1 * 2
  EXPECT_NEAR(b.item(), 1 - 0.01 * (2 + 3.8), 1e-15);  // buffers 2, then 0.9 * 2 + 2
  opt.set_lr(0.5, 1);
  EXPECT_EQ(opt.lr(0), 0.1);
  EXPECT_EQ(opt.lr(1), 0.5);
  opt.set_lr(0.3);
  EXPECT_EQ(opt.lr(0), 0.3);
  EXPECT_EQ(opt.lr(1), 0.3);
}

TEST(ParamGroups, OptionsByName) {
  Tensor a = tensor({1.0}).requires_grad_();
  Adam opt(std::vector<Tensor>{a}, {.betas = {0.8, 0.99}});
  EXPECT_TRUE(opt.has_option("betas[0]"));
  EXPECT_FALSE(opt.has_option("momentum"));
  opt.set_group_option(0, "betas[0]", 0.85);
  EXPECT_EQ(opt.options().betas, (Betas{0.85, 0.99}));
  EXPECT_THROW(opt.set_group_option(0, "betas[0]", 1.0), OptionError);
  EXPECT_EQ(opt.options().betas.first, 0.85);
  EXPECT_THROW(opt.set_group_option(0, "momentum", 0.9), ValueError);
}

TEST(ParamGroups, RejectsSharedOrEmptyGroups) {
  Tensor a = tensor({1.0}).requires_grad_(), b = tensor({1.0}).requires_grad_();
  SGD opt(NamedParameters{{"a", a}}, {.lr = 0.1});
  EXPECT_THROW(opt.add_param_group(NamedParameters{{"a", b}}, {}), ValueError);  // the name again
  EXPECT_THROW(opt.add_param_group(NamedParameters{{"b", a}}, {}), ValueError);  // the tensor again
  EXPECT_THROW(opt.add_param_group(NamedParameters{}, {}), ValueError);
  EXPECT_THROW(SGD(NamedParameters{{"a", a}, {"a", b}}), ValueError);
  EXPECT_THROW(opt.add_param_group(NamedParameters{{"b", b}}, {.lr = -1}), OptionError);
  EXPECT_EQ(opt.num_param_groups(), 1u);
}

}  // namespace
}  // namespace descent::optim
