// A small residual and dense model written as [[model.layer]] tables (a named output, an add of it,
// two layers that take earlier outputs by input = "...", a concat) against PyTorch: forward output,
// input gradient, every parameter's gradient and the batch norms' running statistics after one
// training-mode pass, from tests/reference/residual.py's run in float64 (residual.json; the script's
// comment describes the model and values). Parameter names are those of PyTorch's ModuleList.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "descent/descent.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {
namespace {

constexpr double kTolerance = 1e-12;  // relative to the reference tensor's largest magnitude

// residual.py's model, layer by layer.
constexpr const char* kConfig = R"(
[model]
input_shape = [2, 5, 5]
[[model.layer]]  # 0
type = "conv2d"
out_channels = 3
kernel_size = 3
padding = 1
name = "stem"
[[model.layer]]  # 1
type = "batch_norm2d"
[[model.layer]]  # 2
type = "relu"
[[model.layer]]  # 3
type = "conv2d"
out_channels = 3
kernel_size = 3
padding = 1
bias = false
[[model.layer]]  # 4
type = "batch_norm2d"
[[model.layer]]  # 5
type = "add"
inputs = ["stem"]
[[model.layer]]  # 6
type = "relu"
name = "block"
[[model.layer]]  # 7: [2, 3, 3]
type = "conv2d"
out_channels = 2
kernel_size = 1
stride = 2
bias = false
input = "stem"
name = "short"
[[model.layer]]  # 8: [4, 3, 3]
type = "conv2d"
out_channels = 4
kernel_size = 3
stride = 2
padding = 1
input = "block"
[[model.layer]]  # 9: [6, 3, 3]
type = "concat"
inputs = ["short"]
[[model.layer]]  # 10
type = "avg_pool2d"
kernel_size = 3
[[model.layer]]  # 11
type = "flatten"
[[model.layer]]  # 12
type = "linear"
out_features = 3
[data]
classes = 3
[train]
dtype = "float64"
)";

const nlohmann::json& reference() {
  static const nlohmann::json ref = [] {
    std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/residual.json");
    if (!in) throw IoError("missing tests/reference/residual.json");
    return nlohmann::json::parse(in);
  }();
  return ref;
}

Shape shape_of(const nlohmann::json& j) {
  Shape s;
  for (auto v : j) s.push_back(v.get<std::int64_t>());
  return s;
}

// max |got - expected| / max |expected|.
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

TEST(ResidualReference, ForwardGradientsAndRunningStatsMatchPyTorch) {
  const nlohmann::json& ref = reference();
  const TrainConfig config = parse_config_string(kConfig, "residual.toml");
  Generator gen(1);
  const std::shared_ptr<nn::Sequential> model = build_model(config, gen);
  ASSERT_NE(dynamic_cast<nn::Graph*>(model.get()), nullptr);
  ASSERT_EQ(model->size(), 13u);

  // The same parameter names as PyTorch's, in the same order, each set to the reference's values.
  const auto params = model->named_parameters();
  ASSERT_EQ(params.size(), ref["parameters"].size());
  for (const auto& [name, values] : ref["parameters"].items()) {
    SCOPED_TRACE(name);
    bool found = false;
    for (const auto& [n, p] : params) {
      if (n != name) continue;
      found = true;
      kernels::copy_(p, from_vector(values.get<std::vector<double>>(), p.shape(), Dtype::Float64));
    }
    EXPECT_TRUE(found) << name << " is not a parameter of the descent model";
  }
  model->train();

  const Shape in_shape = shape_of(ref["input_shape"]);
  Tensor x = from_vector(ref["input"].get<std::vector<double>>(), in_shape, Dtype::Float64).requires_grad_();
  // build_model's models take flat examples, (N, 50), and view them as input_shape.
  Tensor flat = reshape(x, Shape{in_shape[0], 50});
  Tensor out = model->forward(flat);
  ASSERT_EQ(out.shape(), shape_of(ref["output_shape"]));
  EXPECT_LT(relative_error(out, ref["output"]), kTolerance);

  const Tensor g = from_vector(ref["grad_output"].get<std::vector<double>>(), out.shape(), Dtype::Float64);
  sum(out * g).backward();
  EXPECT_LT(relative_error(x.grad(), ref["input_grad"]), kTolerance);
  for (const auto& [name, p] : params) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(ref["parameter_grads"].contains(name));
    ASSERT_TRUE(p.grad().defined());
    EXPECT_LT(relative_error(p.grad(), ref["parameter_grads"][name]), kTolerance);
  }
  const std::map<std::string, Tensor> state = model->state_dict();
  for (const auto& [name, values] : ref["buffers"].items()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(state.count(name));
    EXPECT_LT(relative_error(state.at(name), values), kTolerance);
  }
}

}  // namespace
}  // namespace descent::train
