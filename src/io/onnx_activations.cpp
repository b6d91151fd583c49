// Activation layers in ONNX opset 13: each PyTorch activation as its ONNX operator, or as the formula
// where opset 13 has none (GELU) or its operator lacks PyTorch's options (Softplus's beta, threshold).
#include <cmath>
#include <string>

#include "descent/nn/activation.hpp"
#include "descent/nn/hardtanh.hpp"
#include "onnx_layers.hpp"

namespace descent::io {
namespace {

// An operator without attributes taking x alone.
OnnxValue unary(const char* op, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  return {g.apply(op, path, {x.name}), x.shape};
}

OnnxValue relu(const nn::ReLU&, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  return unary("Relu", path, x, g);
}

OnnxValue sigmoid(const nn::Sigmoid&, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  return unary("Sigmoid", path, x, g);
}

OnnxValue tanh_op(const nn::Tanh&, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  return unary("Tanh", path, x, g);
}

OnnxValue leaky_relu(const nn::LeakyReLU& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  onnx::NodeProto& node = g.node("LeakyRelu", path, {x.name});
  set_attribute(node, "alpha", static_cast<float>(m.negative_slope()));
  return {node.output(0), x.shape};
}

OnnxValue elu(const nn::ELU& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  onnx::NodeProto& node = g.node("Elu", path, {x.name});
  set_attribute(node, "alpha", static_cast<float>(m.alpha()));
  return {node.output(0), x.shape};
}

// Gelu is an operator from opset 20 on: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, as torch.onnx writes it.
OnnxValue gelu(const nn::GELU&, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  const std::string erf =
      g.apply("Erf", path, {g.apply("Div", path, {x.name, g.scalar(path, "sqrt2", std::sqrt(2.0))})});
  const std::string one_plus = g.apply("Add", path, {erf, g.scalar(path, "one", 1.0)});
  const std::string half =
      g.apply("Mul", path, {g.apply("Mul", path, {x.name, one_plus}), g.scalar(path, "half", 0.5)});
  return {half, x.shape};
}

// log(1 + e^(beta x)) / beta, written max(z, 0) + log(1 + e^-|z|) for z = beta x: ONNX's Softplus
// computes log(1 + e^z) as written in some runtimes, whose e^z overflows to inf from z > 88 on
// (OpenCV 4.6), where the second term never overflows. PyTorch returns x itself where z > threshold;
// from the default 20 on, the two differ by at most log(1 + e^-20) / beta ~ 2e-9 / beta, below half a
// float32 unit at x > 20 / beta: the Where is written for a smaller threshold alone.
OnnxValue softplus(const nn::Softplus& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  std::string z = x.name;
  if (m.beta() != 1.0) z = g.apply("Mul", path, {x.name, g.scalar(path, "beta", m.beta())});
  const std::string tail = g.apply("Softplus", path, {g.apply("Neg", path, {g.apply("Abs", path, {z})})});
  std::string y = g.apply("Add", path, {g.apply("Relu", path, {z}), tail});
  if (m.beta() != 1.0) y = g.apply("Div", path, {y, g.scalar(path, "beta", m.beta())});
  if (m.threshold() < 20.0) {
    const std::string above = g.apply("Greater", path, {z, g.scalar(path, "threshold", m.threshold())});
    y = g.apply("Where", path, {above, x.name, y});
  }
  return {y, x.shape};
}

// clamp(x, min_val, max_val): Clip, whose bounds are inputs from opset 11 on.
OnnxValue hardtanh(const nn::Hardtanh& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  return {
      g.apply("Clip", path, {x.name, g.scalar(path, "min_val", m.min_val()), g.scalar(path, "max_val", m.max_val())}),
      x.shape};
}

// Opset 13's Softmax and LogSoftmax work along one axis, as PyTorch's dim (opset 11's flattened the
// trailing dimensions).
OnnxValue softmax(const nn::Softmax& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  onnx::NodeProto& node = g.node("Softmax", path, {x.name});
  set_attribute(node, "axis", m.dim());
  return {node.output(0), x.shape};
}

OnnxValue log_softmax(const nn::LogSoftmax& m, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  onnx::NodeProto& node = g.node("LogSoftmax", path, {x.name});
  set_attribute(node, "axis", m.dim());
  return {node.output(0), x.shape};
}

constexpr LayerExport kActivations[] = {
    {"ReLU", for_module<nn::ReLU, relu>},
    {"Sigmoid", for_module<nn::Sigmoid, sigmoid>},
    {"Tanh", for_module<nn::Tanh, tanh_op>},
    {"LeakyReLU", for_module<nn::LeakyReLU, leaky_relu>},
    {"ELU", for_module<nn::ELU, elu>},
    {"GELU", for_module<nn::GELU, gelu>},
    {"Softplus", for_module<nn::Softplus, softplus>},
    {"Hardtanh", for_module<nn::Hardtanh, hardtanh>},
    {"Softmax", for_module<nn::Softmax, softmax>},
    {"LogSoftmax", for_module<nn::LogSoftmax, log_softmax>},
};

}  // namespace

std::span<const LayerExport> activation_exports() { return kActivations; }

}  // namespace descent::io
