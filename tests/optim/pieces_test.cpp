// Optimizer::begin_pieces / step_piece, which data-parallel ranks use to update a slice each
// (src/train/sharded_update.cpp): an update run on pieces of a parameter, its gradient and state gives
// step()'s values bit for bit, for every rule and its buffers, in float32 and float64, whether the
// pieces cut through vector registers or not and from the first update (which makes the buffers) on.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "descent/descent.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/tensor/kernels/optimizer_steps.hpp"
#include "optim/spec_print.hpp"

namespace descent::optim {
namespace {

// weight (5, 7): 35 elements, a tail at every vector width; bias (3). Loss sum c (w - 0.5)^2 +
// sum (b + 1)^4, c = 1..35, so that gradients keep changing.
struct PiecesProblem {
  Tensor w, b;
  explicit PiecesProblem(Dtype dtype) {
    std::vector<double> values;
    for (int i = 0; i < 35; ++i) values.push_back(0.1 * ((i * 7) % 11) - 0.4);
    w = from_vector(values, Shape{5, 7}, dtype).requires_grad_();
    b = tensor({0.5, -0.5, 2.0}, dtype).requires_grad_();
  }
  NamedParameters named() const { return {{"layer.weight", w}, {"layer.bias", b}}; }
  void backward(Optimizer& opt) const {
    std::vector<double> c;
    for (int i = 1; i <= 35; ++i) c.push_back(i);
    opt.zero_grad();
    (sum(from_vector(c, Shape{5, 7}, w.dtype()) * pow(w - 0.5, 2.0)) + sum(pow(b + 1.0, 4.0))).backward();
  }
};

// The bits of every value of a tensor (as a double, which holds a float exactly), so that comparisons
// tell -0 from 0.
std::vector<std::uint64_t> bits_of(const Tensor& t) {
  std::vector<std::uint64_t> bits;
  for (double x : t.to_vector()) bits.push_back(std::bit_cast<std::uint64_t>(x));
  return bits;
}

class StepPieces : public ::testing::TestWithParam<std::pair<OptimizerSpec, Dtype>> {};

TEST_P(StepPieces, GiveStepsValuesBitForBit) {
  const auto& [spec, dtype] = GetParam();
  PiecesProblem whole(dtype), split(dtype);
  auto a = make_optimizer(spec, whole.named());
  auto b = make_optimizer(spec, split.named());
  // Pieces of the weight that cut through registers of 4, 8 and 16 lanes, one of them empty; the bias
  // in one piece.
  const std::vector<std::pair<std::int64_t, std::int64_t>> weight_pieces = {{0, 3}, {3, 17}, {20, 0}, {20, 15}};
  for (int step = 1; step <= 6; ++step) {
    SCOPED_TRACE("update " + std::to_string(step));
    whole.backward(*a);
    a->step();
    split.backward(*b);
    // Positions first, pieces after: a piece may run once its part of the gradient is written.
    const std::ptrdiff_t w = b->begin_pieces(split.w, split.w.grad());
    const std::ptrdiff_t bias = b->begin_pieces(split.b, split.b.grad());
    ASSERT_GE(w, 0);
    ASSERT_GE(bias, 0);
    for (const auto& [offset, count] : weight_pieces) b->step_piece(w, offset, count);
    b->step_piece(bias, 0, 3);
    EXPECT_EQ(bits_of(split.w), bits_of(whole.w));
    EXPECT_EQ(bits_of(split.b), bits_of(whole.b));
    for (const char* name : {"layer.weight", "layer.bias"}) {
      const ParamState* sa = a->state(name);
      const ParamState* sb = b->state(name);
      ASSERT_TRUE(sa && sb) << name;
      EXPECT_EQ(sb->step, sa->step) << name;
      ASSERT_EQ(sb->buffers.size(), sa->buffers.size()) << name;
      for (const auto& [buffer, t] : sa->buffers) EXPECT_EQ(bits_of(sb->buffers.at(buffer)), bits_of(t)) << buffer;
    }
  }
}

std::vector<std::pair<OptimizerSpec, Dtype>> cases() {
  const std::vector<OptimizerSpec> specs = {
      {"sgd", {{"lr", "0.01"}}},
      {"sgd", {{"lr", "0.01"}, {"momentum", "0.9"}, {"nesterov", "true"}, {"weight_decay", "0.1"}}},
      {"sgd", {{"lr", "0.01"}, {"momentum", "0.8"}, {"dampening", "0.3"}, {"maximize", "true"}}},
      {"adagrad", {{"lr", "0.1"}, {"lr_decay", "0.05"}}},
      {"adadelta", {{"weight_decay", "0.01"}}},
      {"rmsprop", {{"centered", "true"}, {"momentum", "0.5"}}},
      {"adam", {{"lr", "0.05"}, {"amsgrad", "true"}, {"weight_decay", "0.01"}}},
      {"adamw", {{"lr", "0.05"}}}};
  std::vector<std::pair<OptimizerSpec, Dtype>> out;
  for (Dtype dtype : {Dtype::Float32, Dtype::Float64})
    for (const OptimizerSpec& spec : specs) out.emplace_back(spec, dtype);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Optimizers, StepPieces, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<std::pair<OptimizerSpec, Dtype>>& param_info) {
                           return param_info.param.first.name + std::to_string(param_info.index);
                         });

TEST(StepPieces, RefusedForAParameterNotTheOptimizersOrAGradientUnlikeIt) {
  PiecesProblem problem(Dtype::Float64);
  auto opt = make_optimizer({"sgd", {{"lr", "0.1"}}}, {{"layer.weight", problem.w}});
  problem.backward(*opt);
  EXPECT_EQ(opt->begin_pieces(problem.b, problem.b.grad()), -1);                     // not its parameter
  EXPECT_EQ(opt->begin_pieces(problem.w, Tensor()), -1);                             // no gradient
  EXPECT_EQ(opt->begin_pieces(problem.w, problem.b.grad()), -1);                     // another shape
  EXPECT_EQ(opt->begin_pieces(problem.w, problem.w.grad().to(Dtype::Float32)), -1);  // another dtype
  EXPECT_EQ(opt->state("layer.weight"), nullptr);                                    // nothing counted
  EXPECT_EQ(opt->begin_pieces(problem.w, problem.w.grad()), 0);
  EXPECT_EQ(opt->state("layer.weight")->step, 1);
}

TEST(DeferredStep, TakesExactlyOneKernelCall) {
  const Tensor p = zeros(Shape{4}), g = ones(Shape{4});
  {
    kernels::DeferredStep none;
    EXPECT_THROW(none.take(), std::logic_error);
  }
  kernels::DeferredStep deferred;
  kernels::sgd_step_(p, g, Tensor(), {.lr = 0.5});
  EXPECT_EQ(p.to_vector(), std::vector<double>(4, 0.0));  // handed over, not run
  const kernels::DeferredStep::Piece piece = deferred.take();
  piece(1, 2);
  EXPECT_EQ(p.to_vector(), (std::vector<double>{0, -0.5, -0.5, 0}));
}

}  // namespace
}  // namespace descent::optim
