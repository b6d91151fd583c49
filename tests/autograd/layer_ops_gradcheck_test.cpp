// The layers' differentiable ops (convolution, pooling, dropout, normalization, embedding and the
// parameterized activations): a float64 central-difference check of the whole Jacobian with respect
// to every floating input, driven by one table. Inputs are moved off kinks (leaky_relu at 0) and
// pooling inputs are distinct, so no perturbation changes which element is a window's maximum.
#include <gtest/gtest.h>

#include "autograd/op_case.hpp"
#include "descent/descent.hpp"

namespace descent {
namespace {

std::vector<OpCase> layer_op_cases() {
  Generator mask_gen(7);
  const Tensor mask = bernoulli(Shape{3, 4}, 0.6, Dtype::Float64, &mask_gen);
  const Tensor running_mean = from_vector(std::vector<double>{0.3, -0.2, 0.1}, Shape{3}, Dtype::Float64);
  const Tensor running_var = from_vector(std::vector<double>{0.8, 1.5, 0.6}, Shape{3}, Dtype::Float64);
  const Tensor tokens = int_index({1, 4, 1, 0, 2, 2}, Shape{2, 3});
  return {
      {"conv2d", {{2, 3, 5, 5}, {4, 3, 3, 3}, {4}}, [](auto& x) { return conv2d(x[0], x[1], x[2]); }},
      {"conv2d_stride_padding",
       {{2, 2, 6, 5}, {3, 2, 3, 2}, {3}},
       [](auto& x) {
         return conv2d(x[0], x[1], x[2], {.stride = {2, 1}, .padding = {1, 2}});
       }},
      {"conv2d_dilation",
       {{1, 2, 7, 7}, {2, 2, 3, 3}, {2}},
       [](auto& x) { return conv2d(x[0], x[1], x[2], {.padding = 1, .dilation = 2}); }},
      {"conv2d_everything",
       {{2, 2, 8, 7}, {3, 2, 3, 2}, {3}},
       [](auto& x) {
         return conv2d(x[0], x[1], x[2], {.stride = {2, 3}, .padding = {2, 1}, .dilation = {2, 1}});
       }},
      {"conv2d_no_bias_stride3",
       {{2, 1, 7, 6}, {2, 1, 2, 3}},
       [](auto& x) { return conv2d(x[0], x[1], Tensor(), {.stride = 3}); }},
      {"conv2d_1x1", {{2, 3, 4, 4}, {2, 3, 1, 1}, {2}}, [](auto& x) { return conv2d(x[0], x[1], x[2]); }},
      // one input channel, rows of 26 outputs: the direct kernels' forward and weight gradient
      {"conv2d_direct",
       {{2, 1, 4, 26}, {3, 1, 3, 3}, {3}},
       [](auto& x) { return conv2d(x[0], x[1], x[2], {.padding = 1}); }},
      {"max_pool2d", {{2, 3, 6, 6}}, [](auto& x) { return max_pool2d(x[0], 2); }},
      {"max_pool2d_stride_padding",
       {{1, 2, 7, 6}},
       [](auto& x) { return max_pool2d(x[0], 3, {.stride = 2, .padding = 1}); }},
      {"max_pool2d_overlapping_dilated",
       {{1, 2, 6, 6}},
       [](auto& x) { return max_pool2d(x[0], 2, {.stride = 1, .dilation = 2}); }},
      {"max_pool2d_unbatched_rect",
       {{2, 5, 6}},
       [](auto& x) {
         return max_pool2d(x[0], {2, 3}, {.stride = {2, 1}});
       }},
      {"avg_pool2d", {{2, 3, 6, 6}}, [](auto& x) { return avg_pool2d(x[0], 2); }},
      {"avg_pool2d_stride_padding",
       {{1, 2, 7, 6}},
       [](auto& x) { return avg_pool2d(x[0], 3, {.stride = 2, .padding = 1}); }},
      {"avg_pool2d_exclude_pad",
       {{1, 2, 7, 6}},
       [](auto& x) { return avg_pool2d(x[0], 3, {.stride = 2, .padding = 1, .count_include_pad = false}); }},
      {"dropout_fixed_mask", {{3, 4}}, [mask](auto& x) { return dropout_with_mask(x[0], mask, 0.4); }},
      {"batch_norm_training_2d",
       {{4, 3}, {3}, {3}},
       [](auto& x) { return batch_norm(x[0], Tensor(), Tensor(), x[1], x[2], true); }},
      {"batch_norm_training_3d",
       {{3, 2, 4}, {2}, {2}},
       [](auto& x) { return batch_norm(x[0], Tensor(), Tensor(), x[1], x[2], true); }},
      {"batch_norm_training_4d_running",
       {{2, 3, 3, 2}, {3}, {3}},
       [running_mean, running_var](auto& x) {
         Tensor m = running_mean.clone(), v = running_var.clone();  // updated in place, not read in training
         return batch_norm(x[0], m, v, x[1], x[2], true);
       }},
      {"batch_norm_training_no_affine",
       {{5, 3}},
       [](auto& x) { return batch_norm(x[0], Tensor(), Tensor(), Tensor(), Tensor(), true); }},
      {"batch_norm_eval",
       {{4, 3, 2}, {3}, {3}},
       [running_mean, running_var](auto& x) { return batch_norm(x[0], running_mean, running_var, x[1], x[2], false); }},
      {"layer_norm", {{3, 5}, {5}, {5}}, [](auto& x) { return layer_norm(x[0], Shape{5}, x[1], x[2]); }},
      {"layer_norm_two_dims",
       {{2, 3, 4}, {3, 4}, {3, 4}},
       [](auto& x) {
         return layer_norm(x[0], Shape{3, 4}, x[1], x[2]);
       }},
      {"layer_norm_no_affine", {{4, 6}}, [](auto& x) { return layer_norm(x[0], Shape{6}); }},
      {"embedding", {{5, 3}}, [tokens](auto& x) { return embedding(tokens, x[0]); }},
      // the padding row (3, unused here) changes nothing else; its own zero gradient is checked against PyTorch
      {"embedding_padding_idx", {{5, 3}}, [tokens](auto& x) { return embedding(tokens, x[0], 3); }},
      {"leaky_relu", {{3, 4}}, [](auto& x) { return leaky_relu(x[0]); }, -2.0, 2.0, true},
      {"leaky_relu_slope", {{3, 4}}, [](auto& x) { return leaky_relu(x[0], 0.2); }, -2.0, 2.0, true},
      {"elu", {{3, 4}}, [](auto& x) { return elu(x[0]); }, -3.0, 3.0, true},
      {"elu_alpha", {{3, 4}}, [](auto& x) { return elu(x[0], 0.5); }, -3.0, 3.0, true},
      {"gelu", {{3, 4}}, [](auto& x) { return gelu(x[0]); }, -4.0, 4.0},
      {"softplus", {{3, 4}}, [](auto& x) { return softplus(x[0]); }, -5.0, 5.0},
      {"softplus_beta", {{3, 4}}, [](auto& x) { return softplus(x[0], 2.0, 5.0); }, -4.0, 4.0},
      {"softplus_past_threshold", {{3, 4}}, [](auto& x) { return softplus(x[0] * 15.0); }},
      {"erf", {{3, 4}}, [](auto& x) { return erf(x[0]); }},
      {"flatten_end_dim", {{2, 3, 2, 2}}, [](auto& x) { return flatten(x[0], 1, 2) * 2.0; }},
      {"lenet_block",
       {{2, 1, 8, 8}, {3, 1, 3, 3}, {3}},
       [](auto& x) { return max_pool2d(relu(conv2d(x[0], x[1], x[2], {.padding = 1})), 2); }},
  };
}

class LayerOpGradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(LayerOpGradcheck, MatchesCentralDifferences) {
  const OpCase& c = GetParam();
  Generator gen(42);
  const GradcheckResult r = gradcheck(c.f, make_inputs(c, gen));
  EXPECT_TRUE(r.passed) << c.name << "\n" << r.report();
}

INSTANTIATE_TEST_SUITE_P(LayerOps, LayerOpGradcheck, ::testing::ValuesIn(layer_op_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// A zero gradient must fail the check where the numerical one is not zero: here the input's path is
// cut by detach(), which shares data, so central differences still see the input's effect.
TEST(LayerOpGradcheck, FailsWhenTheAnalyticGradientIsMissing) {
  Generator gen(3);
  const std::vector<Tensor> x{uniform(Shape{1, 1, 4, 4}, -1, 1, Dtype::Float64, &gen),
                              uniform(Shape{1, 1, 2, 2}, -1, 1, Dtype::Float64, &gen)};
  EXPECT_TRUE(gradcheck([](auto& v) { return conv2d(v[0], v[1]); }, x).passed);
  EXPECT_FALSE(gradcheck([](auto& v) { return conv2d(v[0].detach(), v[1]); }, x).passed);
}

}  // namespace
}  // namespace descent
