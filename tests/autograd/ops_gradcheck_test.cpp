// Every differentiable op: a float64 central-difference check of its whole Jacobian, driven by one
// table. Inputs are drawn away from kinks (relu, abs at 0) and from the edges of the domain
// (log, sqrt, pow near 0).
#include <gtest/gtest.h>

#include "autograd/op_case.hpp"
#include "descent/descent.hpp"

namespace descent {
namespace {

std::vector<OpCase> op_cases() {
  const Tensor idx = int_index({2, 0, 1, 2}, Shape{4, 1});
  return {
      {"add", {{3, 4}, {3, 4}}, [](auto& x) { return x[0] + x[1]; }},
      {"add_broadcast_row", {{3, 4}, {4}}, [](auto& x) { return x[0] + x[1]; }},
      {"add_broadcast_col", {{3, 1}, {1, 4}}, [](auto& x) { return add(x[0], x[1]); }},
      {"sub", {{3, 4}, {3, 4}}, [](auto& x) { return x[0] - x[1]; }},
      {"sub_broadcast_scalar", {{3, 4}, {}}, [](auto& x) { return sub(x[0], x[1]); }},
      {"mul", {{3, 4}, {3, 4}}, [](auto& x) { return x[0] * x[1]; }},
      {"mul_broadcast", {{2, 3, 4}, {3, 1}}, [](auto& x) { return x[0] * x[1]; }},
      {"div", {{3, 4}, {3, 4}}, [](auto& x) { return x[0] / x[1]; }, 0.5, 2.0},
      {"div_broadcast", {{3, 4}, {4}}, [](auto& x) { return div(x[0], x[1]); }, 0.5, 2.0},
      {"neg", {{3, 4}}, [](auto& x) { return -x[0]; }},
      {"affine", {{3, 4}}, [](auto& x) { return x[0] * 3.0 - 1.5; }},
      {"scalar_div", {{3, 4}}, [](auto& x) { return 2.0 / x[0]; }, 0.5, 2.0},
      {"matmul_2d", {{3, 4}, {4, 5}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul_transposed", {{4, 3}, {5, 4}}, [](auto& x) { return matmul(x[0].t(), x[1].t()); }},
      {"matmul_vec_mat", {{4}, {4, 5}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul_mat_vec", {{3, 4}, {4}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul_dot", {{4}, {4}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul_batched", {{2, 3, 4}, {2, 4, 5}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul_batch_by_matrix", {{2, 3, 4}, {4, 5}}, [](auto& x) { return matmul(x[0], x[1]); }},
      {"linear", {{3, 4}, {5, 4}, {5}}, [](auto& x) { return linear(x[0], x[1], x[2]); }},
      {"linear_no_bias", {{3, 4}, {5, 4}}, [](auto& x) { return linear(x[0], x[1]); }},
      {"sum_all", {{3, 4}}, [](auto& x) { return sum(x[0]); }},
      {"sum_dim0", {{3, 4}}, [](auto& x) { return sum(x[0], 0); }},
      {"sum_dim1_keepdim", {{3, 4}}, [](auto& x) { return sum(x[0], 1, true); }},
      {"sum_dim_neg", {{2, 3, 4}}, [](auto& x) { return x[0].sum(-2); }},
      {"mean_all", {{3, 4}}, [](auto& x) { return mean(x[0]); }},
      {"mean_dim", {{2, 3, 4}}, [](auto& x) { return mean(x[0], 1); }},
      {"exp", {{3, 4}}, [](auto& x) { return exp(x[0]); }},
      {"log", {{3, 4}}, [](auto& x) { return log(x[0]); }, 0.2, 3.0},
      {"pow_scalar", {{3, 4}}, [](auto& x) { return pow(x[0], 3.0); }},
      {"pow_fractional", {{3, 4}}, [](auto& x) { return pow(x[0], 1.5); }, 0.2, 3.0},
      {"pow_tensor", {{3, 4}, {3, 4}}, [](auto& x) { return pow(x[0], x[1]); }, 0.2, 2.0},
      {"sqrt", {{3, 4}}, [](auto& x) { return sqrt(x[0]); }, 0.2, 3.0},
      {"abs", {{3, 4}}, [](auto& x) { return abs(x[0]); }, -2.0, 2.0, true},
      {"sin", {{3, 4}}, [](auto& x) { return sin(x[0]); }},
      {"cos", {{3, 4}}, [](auto& x) { return cos(x[0]); }},
      {"sigmoid", {{3, 4}}, [](auto& x) { return sigmoid(x[0]); }, -5.0, 5.0},
      {"tanh", {{3, 4}}, [](auto& x) { return tanh(x[0]); }},
      {"relu", {{3, 4}}, [](auto& x) { return relu(x[0]); }, -2.0, 2.0, true},
      // Each bound at 0, where the inputs keep away from it; the other out of reach or inside.
      {"clamp_min", {{3, 4}}, [](auto& x) { return clamp(x[0], 0.0, 5.0); }, -2.0, 2.0, true},
      {"clamp_max", {{3, 4}}, [](auto& x) { return clamp(x[0], -5.0, 0.0); }, -2.0, 2.0, true},
      {"softmax_dim1", {{3, 4}}, [](auto& x) { return softmax(x[0], 1); }},
      {"softmax_dim0", {{3, 4}}, [](auto& x) { return softmax(x[0], 0); }},
      {"softmax_large_logits", {{2, 3}}, [](auto& x) { return softmax(x[0] * 1.0 + 500.0, 1); }},
      {"log_softmax_dim1", {{3, 4}}, [](auto& x) { return log_softmax(x[0], 1); }},
      {"log_softmax_dim0_3d", {{3, 2, 2}}, [](auto& x) { return log_softmax(x[0], 0); }},
      {"log_softmax_large_logits", {{2, 3}}, [](auto& x) { return log_softmax(x[0] * 100.0, 1); }},
      {"reshape",
       {{3, 4}},
       [](auto& x) {
         return reshape(x[0], Shape{2, 6}) * reshape(x[0], Shape{-1, 6});
       }},
      {"transpose", {{3, 4}}, [](auto& x) { return transpose(x[0], 0, 1) * 2.0; }},
      {"transpose_3d", {{2, 3, 4}}, [](auto& x) { return x[0].transpose(0, 2).contiguous(); }},
      {"slice", {{5, 3}}, [](auto& x) { return x[0].slice(1, 4) * 2.0; }},
      {"flatten", {{2, 3, 2}}, [](auto& x) { return flatten(x[0]); }},
      // The channels of two (N, C, H, W) maps of different widths, a transposed (strided) input among them.
      {"cat_dim1",
       {{2, 3, 2, 2}, {2, 1, 2, 2}},
       [](auto& x) {
         return cat({x[0], x[1]}, 1);
       }},
      {"cat_dim0",
       {{2, 3}, {1, 3}, {3, 3}},
       [](auto& x) {
         return cat({x[0], x[1], x[2]});
       }},
      {"cat_last_strided",
       {{3, 2}, {3, 4}},
       [](auto& x) {
         return cat({x[0], x[1].t().t()}, -1);
       }},
      {"cat_repeated_input",
       {{2, 3}},
       [](auto& x) {
         return cat({x[0], x[0] * 2.0}, 1);
       }},
      {"cat_transposed",
       {{3, 2}, {2, 2}},
       [](auto& x) {
         return cat({x[0].t(), x[1]}, 1);
       }},
      {"gather", {{4, 3}}, [idx](auto& x) { return gather(x[0], 1, idx); }},
      {"gather_repeated",
       {{4, 3}},
       [](auto& x) {
         return gather(x[0], 1, from_vector(std::vector<std::int64_t>{0, 0, 1, 1, 2, 2, 0, 2}, Shape{4, 2}));
       }},
      {"clone", {{3, 4}}, [](auto& x) { return x[0].clone(); }},
      {"to_float32_and_back", {{3}}, [](auto& x) { return x[0].to(Dtype::Float32).to(Dtype::Float64) * 1.0; }},
      {"composite_mlp",
       {{2, 3}, {4, 3}, {4}, {2, 4}},
       [](auto& x) { return sum(sigmoid(linear(tanh(linear(x[0], x[1], x[2])), x[3]))); }},
      {"reused_input", {{3}}, [](auto& x) { return x[0] * x[0] + exp(x[0]) * x[0]; }},
  };
}

class OpGradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpGradcheck, MatchesCentralDifferences) {
  const OpCase& c = GetParam();
  Generator gen(42);
  const auto inputs = make_inputs(c, gen);
  GradcheckOptions opts;
  if (c.name == "to_float32_and_back") opts = {.eps = 1e-3, .atol = 1e-3, .rtol = 1e-3};  // float32 rounding
  const GradcheckResult r = gradcheck(c.f, inputs, opts);
  EXPECT_TRUE(r.passed) << c.name << "\n" << r.report();
}

INSTANTIATE_TEST_SUITE_P(AllOps, OpGradcheck, ::testing::ValuesIn(op_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// torch.clamp's values, and its gradient at the bounds themselves (1, as PyTorch's, where the
// table's inputs keep away from them); with min > max every value is max.
TEST(Clamp, ValuesAndGradientAtTheBounds) {
  Tensor x = tensor({-2.0, -1.0, 0.0, 1.0, 2.0}, Dtype::Float64).requires_grad_();
  Tensor y = clamp(x, -1.0, 1.0);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{-1, -1, 0, 1, 1}));
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 1, 1, 1, 0}));
  EXPECT_EQ(clamp(x, 1.0, -1.0).to_vector(), (std::vector<double>(5, -1.0)));
}

}  // namespace
}  // namespace descent
