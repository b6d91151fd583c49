// Linear, convolution, pooling, reshaping, normalization and merge layers in ONNX opset 13 (the
// operators' definitions: https://github.com/onnx/onnx/blob/main/docs/Operators.md), in their
// evaluation form: dropout is the identity and batch norm uses its running statistics, as
// torch.onnx.export writes a model in eval().
#include <cstdint>
#include <string>
#include <vector>

#include "descent/error.hpp"
#include "descent/nn/batch_norm.hpp"
#include "descent/nn/conv2d.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/flatten.hpp"
#include "descent/nn/identity.hpp"
#include "descent/nn/layer_norm.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/pooling.hpp"
#include "descent/tensor/creation.hpp"
#include "onnx_layers.hpp"

namespace descent::io {

std::string tensor_name(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : std::string(path).append(".").append(name);
}

std::string layer_text(const nn::Module& module, const std::string& path) {
  return (path.empty() ? std::string("the model") : "layer " + path) + " (" + module.describe() + ")";
}

namespace {

// "(N, 16, 5, 5)": a value's shape with the batch dimension.
std::string batch_shape(const OnnxValue& x) {
  std::string text = "(N";
  for (std::int64_t d : x.shape) text.append(", ").append(std::to_string(d));
  return text.append(")");
}

// ShapeError unless the input has `rank` dimensions besides the batch's.
void expect_rank(const nn::Module& module, const std::string& path, const OnnxValue& x, std::size_t rank,
                 const char* what) {
  if (x.shape.size() != rank)
    throw ShapeError("ONNX export: " + layer_text(module, path) + ": input of shape " + batch_shape(x) + ": expected " +
                     what);
}

// [C, H, W] after a window of `kernel` sliding by `stride` over the input padded by `padding`:
// floor((H + 2p - d (k - 1) - 1) / s) + 1, as PyTorch's Conv2d and pooling layers (floor mode).
std::vector<std::int64_t> window_shape(std::int64_t channels, const std::vector<std::int64_t>& in, Size2 kernel,
                                       Size2 stride, Size2 padding, Size2 dilation) {
  auto out = [](std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t p, std::int64_t d) {
    return (n + 2 * p - d * (k - 1) - 1) / s + 1;
  };
  return {channels, out(in[1], kernel.h, stride.h, padding.h, dilation.h),
          out(in[2], kernel.w, stride.w, padding.w, dilation.w)};
}

// The attributes Conv, MaxPool and AveragePool share; ONNX's pads are [top, left, bottom, right].
void set_window(onnx::NodeProto& node, Size2 kernel, Size2 stride, Size2 padding) {
  set_attribute(node, "kernel_shape", std::vector<std::int64_t>{kernel.h, kernel.w});
  set_attribute(node, "strides", std::vector<std::int64_t>{stride.h, stride.w});
  set_attribute(node, "pads", std::vector<std::int64_t>{padding.h, padding.w, padding.h, padding.w});
}

// y = x W^T + b: Gemm with transB = 1 (the weight stays (out_features, in_features), as PyTorch's).
OnnxValue linear(const nn::Linear& l, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  expect_rank(l, path, x, 1, "one dimension (N, in_features)");
  std::vector<std::string> inputs = {x.name, g.initializer(tensor_name(path, "weight"), l.weight())};
  if (l.bias().defined()) inputs.push_back(g.initializer(tensor_name(path, "bias"), l.bias()));
  onnx::NodeProto& node = g.node("Gemm", path, inputs);
  set_attribute(node, "transB", std::int64_t{1});
  return {node.output(0), {l.out_features()}};
}

OnnxValue conv2d(const nn::Conv2d& c, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  expect_rank(c, path, x, 3, "(N, C, H, W)");
  std::vector<std::string> inputs = {x.name, g.initializer(tensor_name(path, "weight"), c.weight())};
  if (c.bias().defined()) inputs.push_back(g.initializer(tensor_name(path, "bias"), c.bias()));
  onnx::NodeProto& node = g.node("Conv", path, inputs);
  const nn::Conv2dOptions& o = c.options();
  set_window(node, c.kernel_size(), o.stride, o.padding);
  set_attribute(node, "dilations", std::vector<std::int64_t>{o.dilation.h, o.dilation.w});
  return {node.output(0), window_shape(c.out_channels(), x.shape, c.kernel_size(), o.stride, o.padding, o.dilation)};
}

OnnxValue max_pool2d(const nn::MaxPool2d& p, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  expect_rank(p, path, x, 3, "(N, C, H, W)");
  onnx::NodeProto& node = g.node("MaxPool", path, {x.name});
  const nn::MaxPool2dOptions& o = p.options();
  set_window(node, p.kernel_size(), o.stride, o.padding);
  // Only when set: some runtimes (OpenCV's DNN module) take no dilations attribute.
  if (o.dilation != Size2(1)) set_attribute(node, "dilations", std::vector<std::int64_t>{o.dilation.h, o.dilation.w});
  return {node.output(0), window_shape(x.shape[0], x.shape, p.kernel_size(), o.stride, o.padding, o.dilation)};
}

// With count_include_pad (PyTorch's default) and padding, an explicit zero Pad, then AveragePool over
// the padded input: the same averages, which every runtime reads alike (OpenCV 4.6 ignores
// count_include_pad and includes the padding only for models whose producer is "pytorch").
OnnxValue avg_pool2d(const nn::AvgPool2d& p, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  expect_rank(p, path, x, 3, "(N, C, H, W)");
  const nn::AvgPool2dOptions& o = p.options();
  const bool pad_first = o.count_include_pad && o.padding != Size2(0);
  std::string input = x.name;
  if (pad_first) {
    // pads: the beginnings of (N, C, H, W), then their ends
    const std::vector<std::int64_t> pads = {0, 0, o.padding.h, o.padding.w, 0, 0, o.padding.h, o.padding.w};
    input = g.apply("Pad", path, {x.name, g.int64s(path, "pads", pads)});
  }
  onnx::NodeProto& node = g.node("AveragePool", path, {input});
  set_window(node, p.kernel_size(), o.stride, pad_first ? Size2(0) : o.padding);
  set_attribute(node, "count_include_pad", std::int64_t{o.count_include_pad ? 1 : 0});
  return {node.output(0), window_shape(x.shape[0], x.shape, p.kernel_size(), o.stride, o.padding, 1)};
}

// torch.flatten(x, start_dim, end_dim), dimensions counted with the batch's. The default (1, -1) is
// ONNX's Flatten (axis 1); any other a Reshape whose 0s keep the leading dimensions, the batch's too.
OnnxValue flatten(const nn::Flatten& f, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  const auto rank = static_cast<std::int64_t>(x.shape.size()) + 1;
  const std::int64_t start = f.start_dim() < 0 ? f.start_dim() + rank : f.start_dim();
  const std::int64_t end = f.end_dim() < 0 ? f.end_dim() + rank : f.end_dim();
  if (start < 1 || end >= rank || start > end)
    throw ShapeError("ONNX export: " + layer_text(f, path) + ": input of shape " + batch_shape(x) +
                     ": expected 1 <= start_dim <= end_dim < " + std::to_string(rank));
  std::vector<std::int64_t> shape(x.shape.begin(), x.shape.begin() + (start - 1));
  std::int64_t merged = 1;
  for (std::int64_t d = start; d <= end; ++d) merged *= x.shape[static_cast<std::size_t>(d - 1)];
  shape.push_back(merged);
  shape.insert(shape.end(), x.shape.begin() + end, x.shape.end());
  if (start == 1 && end == rank - 1) {
    onnx::NodeProto& node = g.node("Flatten", path, {x.name});
    set_attribute(node, "axis", std::int64_t{1});
    return {node.output(0), shape};
  }
  std::vector<std::int64_t> target(static_cast<std::size_t>(start), 0);
  target.push_back(-1);
  target.insert(target.end(), x.shape.begin() + end, x.shape.end());
  return {g.apply("Reshape", path, {x.name, g.int64s(path, "shape", target)}), shape};
}

// Evaluation form: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel.
OnnxValue batch_norm(const nn::BatchNormBase& b, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  if (!b.running_mean().defined())
    throw ValueError("ONNX export: " + layer_text(b, path) +
                     ": without running statistics (track_running_stats=False) it normalizes with each batch's "
                     "statistics even in evaluation mode, which ONNX's BatchNormalization (opset 13) cannot");
  if (x.shape.empty() || x.shape[0] != b.num_features())
    throw ShapeError("ONNX export: " + layer_text(b, path) + ": input of shape " + batch_shape(x) + ": expected (N, " +
                     std::to_string(b.num_features()) + ", ...)");
  const Shape channels{b.num_features()};
  // Without affine, the scale 1 and shift 0 the module applies implicitly.
  const std::string scale = b.weight().defined() ? g.initializer(tensor_name(path, "weight"), b.weight())
                                                 : g.initializer("/" + path + "/scale", ones(channels));
  const std::string shift = b.bias().defined() ? g.initializer(tensor_name(path, "bias"), b.bias())
                                               : g.initializer("/" + path + "/shift", zeros(channels));
  onnx::NodeProto& node =
      g.node("BatchNormalization", path,
             {x.name, scale, shift, g.initializer(tensor_name(path, "running_mean"), b.running_mean()),
              g.initializer(tensor_name(path, "running_var"), b.running_var())});
  set_attribute(node, "epsilon", static_cast<float>(b.options().eps));
  return {node.output(0), x.shape};
}

// Opset 13 has no LayerNormalization (it came in 17): the formula, over the last
// len(normalized_shape) dimensions, (x - mean) / sqrt(var + eps) * weight + bias, var the biased one.
OnnxValue layer_norm(const nn::LayerNorm& l, const std::string& path, const OnnxValue& x, OnnxGraph& g) {
  std::vector<std::int64_t> axes;
  for (auto d = -static_cast<std::int64_t>(l.normalized_shape().size()); d < 0; ++d) axes.push_back(d);
  auto mean = [&](const std::string& v) {
    onnx::NodeProto& node = g.node("ReduceMean", path, {v});
    set_attribute(node, "axes", axes);
    set_attribute(node, "keepdims", std::int64_t{1});
    return node.output(0);
  };
  const std::string centred = g.apply("Sub", path, {x.name, mean(x.name)});
  const std::string var = mean(g.apply("Mul", path, {centred, centred}));
  const std::string std = g.apply("Sqrt", path, {g.apply("Add", path, {var, g.scalar(path, "eps", l.options().eps)})});
  std::string y = g.apply("Div", path, {centred, std});
  if (l.weight().defined()) y = g.apply("Mul", path, {y, g.initializer(tensor_name(path, "weight"), l.weight())});
  if (l.bias().defined()) y = g.apply("Add", path, {y, g.initializer(tensor_name(path, "bias"), l.bias())});
  return {y, x.shape};
}

// Dropout in evaluation mode and Identity: no node, the input passes on.
template <class M>
OnnxValue pass(const M&, const std::string&, const OnnxValue& x, OnnxGraph&) {
  return x;
}

constexpr LayerExport kLayers[] = {
    {"Linear", for_module<nn::Linear, linear>},
    {"Conv2d", for_module<nn::Conv2d, conv2d>},
    {"MaxPool2d", for_module<nn::MaxPool2d, max_pool2d>},
    {"AvgPool2d", for_module<nn::AvgPool2d, avg_pool2d>},
    {"Flatten", for_module<nn::Flatten, flatten>},
    {"BatchNorm1d, BatchNorm2d", for_module<nn::BatchNormBase, batch_norm>},
    {"LayerNorm", for_module<nn::LayerNorm, layer_norm>},
    {"Dropout", for_module<nn::Dropout, pass<nn::Dropout>>},
    {"Identity", for_module<nn::Identity, pass<nn::Identity>>},
};

}  // namespace

std::span<const LayerExport> layer_exports() { return kLayers; }

OnnxValue export_merge(const nn::Merge& merge, const std::string& path, const std::vector<OnnxValue>& inputs,
                       OnnxGraph& g) {
  if (inputs.size() == 1) return inputs[0];  // alone, a merge layer passes its input on
  if (dynamic_cast<const nn::Add*>(&merge) != nullptr) {
    std::string sum = inputs[0].name;
    for (std::size_t i = 1; i < inputs.size(); ++i) sum = g.apply("Add", path, {sum, inputs[i].name});
    return {sum, inputs[0].shape};
  }
  const auto* concat = dynamic_cast<const nn::Concat*>(&merge);
  if (concat == nullptr)
    throw ValueError("ONNX export: " + layer_text(merge, path) + ": no ONNX form for this merge layer (Add, Concat)");
  const auto rank = static_cast<std::int64_t>(inputs[0].shape.size()) + 1;
  const std::int64_t dim = concat->dim() < 0 ? concat->dim() + rank : concat->dim();
  std::vector<std::string> names;
  std::vector<std::int64_t> shape = inputs[0].shape;
  shape[static_cast<std::size_t>(dim - 1)] = 0;
  for (const OnnxValue& v : inputs) {
    names.push_back(v.name);
    shape[static_cast<std::size_t>(dim - 1)] += v.shape[static_cast<std::size_t>(dim - 1)];
  }
  onnx::NodeProto& node = g.node("Concat", path, names);
  set_attribute(node, "axis", dim);
  return {node.output(0), shape};
}

}  // namespace descent::io
