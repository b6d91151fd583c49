// Every layer against PyTorch: forward output, input gradient, parameter gradients and buffers
// (BatchNorm's running statistics after several training steps), from tests/reference/layers.py's
// run in float64 on deterministic inputs and weights (layers.json; the script's comment describes
// the cases). Dropout runs with the reference's fixed mask.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "descent/descent.hpp"

namespace descent::nn {
namespace {

constexpr Dtype kF64 = Dtype::Float64;
constexpr double kTolerance = 1e-10;  // relative to the reference tensor's largest magnitude

using Factory = std::function<std::shared_ptr<Module>()>;

template <class M, class... Args>
Factory make(Args... args) {
  return [=] { return std::static_pointer_cast<Module>(std::make_shared<M>(args...)); };
}

std::shared_ptr<Module> cnn() {
  return std::make_shared<Sequential>(std::initializer_list<std::shared_ptr<Module>>{
      std::make_shared<Conv2d>(1, 3, 3, Conv2dOptions{.padding = 1, .dtype = kF64}),
      std::make_shared<BatchNorm2d>(3, BatchNormOptions{.dtype = kF64}), std::make_shared<ReLU>(),
      std::make_shared<MaxPool2d>(2), std::make_shared<Conv2d>(3, 4, 3, Conv2dOptions{.dtype = kF64}),
      std::make_shared<GELU>(), std::make_shared<Flatten>(),
      std::make_shared<Linear>(16, 5, LinearOptions{.dtype = kF64}), std::make_shared<LogSoftmax>(1)});
}

// The modules of layers.py's CASES, by name, in float64.
const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> f = {
      {"conv2d", make<Conv2d>(3, 4, Size2(3), Conv2dOptions{.padding = 1, .dtype = kF64})},
      {"conv2d_stride_padding_dilation",
       make<Conv2d>(2, 3, Size2(3, 2),
                    Conv2dOptions{.stride = {2, 1}, .padding = {2, 1}, .dilation = {2, 1}, .dtype = kF64})},
      {"conv2d_no_bias_stride", make<Conv2d>(2, 2, Size2(2), Conv2dOptions{.stride = 2, .bias = false, .dtype = kF64})},
      {"conv2d_lenet_first", make<Conv2d>(1, 6, Size2(5), Conv2dOptions{.padding = 2, .dtype = kF64})},
      {"max_pool2d", make<MaxPool2d>(Size2(2))},
      {"max_pool2d_stride_padding", make<MaxPool2d>(Size2(3), MaxPool2dOptions{.stride = 2, .padding = 1})},
      {"avg_pool2d", make<AvgPool2d>(Size2(2))},
      {"avg_pool2d_stride_padding", make<AvgPool2d>(Size2(3), AvgPool2dOptions{.stride = 2, .padding = 1})},
      {"avg_pool2d_exclude_pad",
       make<AvgPool2d>(Size2(3), AvgPool2dOptions{.stride = 2, .padding = 1, .count_include_pad = false})},
      {"dropout_fixed_mask", make<Dropout>(0.3)},
      {"batch_norm1d_2d", make<BatchNorm1d>(3, BatchNormOptions{.dtype = kF64})},
      {"batch_norm1d_3d", make<BatchNorm1d>(2, BatchNormOptions{.dtype = kF64})},
      {"batch_norm2d", make<BatchNorm2d>(3, BatchNormOptions{.dtype = kF64})},
      {"batch_norm2d_eval", make<BatchNorm2d>(3, BatchNormOptions{.dtype = kF64})},
      {"batch_norm2d_running_stats", make<BatchNorm2d>(3, BatchNormOptions{.dtype = kF64})},
      {"batch_norm2d_cumulative", make<BatchNorm2d>(2, BatchNormOptions{.momentum = std::nullopt, .dtype = kF64})},
      {"layer_norm", make<LayerNorm>(Shape{5}, LayerNormOptions{.dtype = kF64})},
      {"layer_norm_2d", make<LayerNorm>(Shape{3, 4}, LayerNormOptions{.dtype = kF64})},
      {"embedding", make<Embedding>(6, 3, EmbeddingOptions{.dtype = kF64})},
      {"embedding_padding_idx", make<Embedding>(6, 3, EmbeddingOptions{.padding_idx = 2, .dtype = kF64})},
      {"flatten", make<Flatten>()},
      {"flatten_1_2", make<Flatten>(1, 2)},
      {"leaky_relu", make<LeakyReLU>()},
      {"leaky_relu_slope", make<LeakyReLU>(0.2)},
      {"elu", make<ELU>()},
      {"elu_alpha", make<ELU>(0.5)},
      {"gelu", make<GELU>()},
      {"softplus", make<Softplus>()},
      {"softplus_beta_threshold", make<Softplus>(2.0, 5.0)},
      {"softmax", make<Softmax>(1)},
      {"log_softmax", make<LogSoftmax>(1)},
      {"log_softmax_dim0", make<LogSoftmax>(0)},
      {"identity", make<Identity>()},
      {"cnn", cnn},
  };
  return f;
}

Shape shape_of(const nlohmann::json& j) {
  Shape s;
  for (auto v : j) s.push_back(v.get<std::int64_t>());
  return s;
}

Tensor doubles(const nlohmann::json& j, const Shape& shape) {
  return from_vector(j.get<std::vector<double>>(), shape, kF64);
}

// max |got - expected| / max |expected| (absolute when the reference is all zeros).
double relative_error(const Tensor& got, const nlohmann::json& expected_json) {
  const auto expected = expected_json.get<std::vector<double>>();
  const auto values = got.to_vector();
  EXPECT_EQ(values.size(), expected.size());
  if (values.size() != expected.size()) return INFINITY;
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    diff = std::max(diff, std::abs(values[i] - expected[i]));
    if (std::isnan(values[i])) diff = INFINITY;
    scale = std::max(scale, std::abs(expected[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

const nlohmann::json& reference() {
  static const nlohmann::json ref = [] {
    std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/layers.json");
    if (!in) throw IoError("missing tests/reference/layers.json");
    return nlohmann::json::parse(in);
  }();
  return ref;
}

class LayerReference : public ::testing::TestWithParam<std::string> {};

TEST_P(LayerReference, MatchesPyTorch) {
  const nlohmann::json* found = nullptr;
  for (const auto& c : reference()["cases"])
    if (c["name"] == GetParam()) found = &c;
  ASSERT_NE(found, nullptr) << GetParam() << " is not in layers.json";
  const nlohmann::json& c = *found;
  const std::shared_ptr<Module> module = factories().at(GetParam())();

  std::map<std::string, Tensor> state;
  for (const auto& [name, t] : c["state"].items()) {
    const Shape shape = shape_of(t["shape"]);
    state[name] = name.ends_with("num_batches_tracked")
                      ? from_vector(t["values"].get<std::vector<std::int64_t>>(), shape)
                      : doubles(t["values"], shape);
  }
  module->load_state_dict(state);
  if (!c["describe"].is_null()) {
    EXPECT_EQ(to_string(*module), c["describe"].get<std::string>());
  }

  const Shape input_shape = shape_of(c["input_shape"]);
  module->train();
  for (const auto& step : c["train_steps"]) {
    NoGradGuard no_grad;
    module->forward(doubles(step, input_shape));
  }
  module->train(c.value("training", true));

  Tensor x;
  if (c.contains("indices")) {
    x = from_vector(c["indices"].get<std::vector<std::int64_t>>(), input_shape);
  } else {
    x = doubles(c["input"], input_shape);
    x.requires_grad_(true);
  }
  const Tensor out = c.contains("mask") ? dropout_with_mask(x, doubles(c["mask"], input_shape), c["p"].get<double>())
                                        : module->forward(x);
  ASSERT_EQ(out.shape(), shape_of(c["output_shape"]));
  out.backward(doubles(c["grad_output"], out.shape()));

  std::map<std::string, double> errors{{"output", relative_error(out, c["output"])}};
  if (!c["input_grad"].is_null()) errors["input grad"] = relative_error(x.grad(), c["input_grad"]);
  for (const auto& [name, p] : module->named_parameters()) {
    ASSERT_TRUE(c["param_grads"].contains(name)) << name;
    ASSERT_TRUE(p.grad().defined()) << name;
    errors[name + " grad"] = relative_error(p.grad(), c["param_grads"][name]);
  }
  for (const auto& [name, b] : module->named_buffers()) errors[name] = relative_error(b, c["buffers_after"][name]);
  EXPECT_EQ(module->named_parameters().size(), c["param_grads"].size());

  double worst = 0;
  std::string worst_name;
  for (const auto& [name, e] : errors) {
    EXPECT_LE(e, kTolerance) << GetParam() << ": " << name;
    if (e >= worst) worst = e, worst_name = name;
  }
  std::printf("%-32s max relative error vs PyTorch %.2e (%s)\n", GetParam().c_str(), worst, worst_name.c_str());
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, f] : factories()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryLayer, LayerReference, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

TEST(LayerReference, EveryReferenceCaseIsChecked) {
  for (const auto& c : reference()["cases"])
    EXPECT_TRUE(factories().count(c["name"].get<std::string>())) << c["name"] << " has no module here";
}

}  // namespace
}  // namespace descent::nn
