// The fused loss ops and the vector norm (autograd/ops/loss.hpp, norm.hpp) called directly: a float64
// central-difference check of each whole Jacobian, with respect to every input, driven by one table.
// tests/nn/losses/losses_gradcheck_test.cpp checks them again through the nn losses that call them.
#include <gtest/gtest.h>

#include "autograd/op_case.hpp"
#include "descent/descent.hpp"

namespace descent {
namespace {

std::vector<OpCase> loss_op_cases() {
  const Tensor classes = int_index({2, 0, 3}, Shape{3});
  const Tensor pos_weight =
      from_vector(std::vector<double>{3.0, 0.5, 1.0, 0.25, 2.0, 1.5}, Shape{2, 3}, Dtype::Float64);
  return {
      {"squared_error", {{3, 4}, {3, 4}}, [](auto& x) { return squared_error(x[0], x[1]); }},
      {"squared_error_sum", {{3, 4}, {3, 4}}, [](auto& x) { return squared_error_sum(x[0], x[1], 0.25); }},
      {"softmax_cross_entropy_none",
       {{3, 4}},
       [classes](auto& x) { return softmax_cross_entropy(x[0], classes, Reduction::None); }},
      {"softmax_cross_entropy_mean",
       {{3, 4}},
       [classes](auto& x) { return softmax_cross_entropy(x[0], classes, Reduction::Mean); }},
      {"softmax_cross_entropy_sum",
       {{3, 4}},
       [classes](auto& x) { return softmax_cross_entropy(x[0], classes, Reduction::Sum); }},
      // probabilities and targets both inside (0, 1), away from the clamps
      {"elementwise_binary_cross_entropy",
       {{2, 3}, {2, 3}},
       [](auto& x) { return elementwise_binary_cross_entropy(x[0], x[1]); },
       0.1,
       0.9},
      {"elementwise_binary_cross_entropy_with_logits",
       {{2, 3}, {2, 3}},
       [](auto& x) { return elementwise_binary_cross_entropy_with_logits(x[0], x[1]); },
       0.05,
       0.95},
      {"elementwise_binary_cross_entropy_with_logits_pos_weight",
       {{2, 3}, {2, 3}},
       [pos_weight](auto& x) { return elementwise_binary_cross_entropy_with_logits(x[0], x[1], pos_weight); },
       0.05,
       0.95},
      {"vector_norm_p2", {{3, 4}}, [](auto& x) { return vector_norm(x[0], 2.0); }},
      {"vector_norm_p1_keepdim", {{3, 4}}, [](auto& x) { return vector_norm(x[0], 1.0, true); }, -2.0, 2.0, true},
      {"vector_norm_p3", {{2, 3, 4}}, [](auto& x) { return vector_norm(x[0], 3.0); }, -2.0, 2.0, true},
  };
}

class LossOpGradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(LossOpGradcheck, MatchesCentralDifferences) {
  const OpCase& c = GetParam();
  Generator gen(7);
  const GradcheckResult r = gradcheck(c.f, make_inputs(c, gen));
  EXPECT_TRUE(r.passed) << c.name << "\n" << r.report();
}

INSTANTIATE_TEST_SUITE_P(LossOps, LossOpGradcheck, ::testing::ValuesIn(loss_op_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace descent
