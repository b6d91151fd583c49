#include "descent/train/layer_config.hpp"

#include <array>
#include <functional>
#include <numeric>
#include <type_traits>
#include <utility>

#include "descent/error.hpp"

namespace descent::train {
namespace {

using L = LayerConfig;

// Rows shared by several types.
const LayerKey kOutChannels{"out_channels", &L::out_channels, 1, false, 1e300, true};
const LayerKey kOutFeatures{"out_features", &L::out_features, 1, false, 1e300, true};
const LayerKey kKernel{"kernel_size", &L::kernel_size, 1, false, 1e300, true};
const LayerKey kStride{"stride", &L::stride, 1};
const LayerKey kPadding{"padding", &L::padding, 0};
const LayerKey kDilation{"dilation", &L::dilation, 1};
const LayerKey kBias{"bias", &L::bias};
const LayerKey kEps{"eps", &L::eps, 0, true};

// Every layer of nn/ that fits a sequential model over images or feature vectors. Embedding is left
// out: it takes integer indices, which the image data sets do not give.
constexpr std::array<std::string_view, 19> kTypes = {
    "conv2d",     "max_pool2d", "avg_pool2d", "linear",     "flatten",  "dropout",  "batch_norm1d",
    "batch_norm2d", "layer_norm", "relu",     "sigmoid",    "tanh",     "leaky_relu", "elu",
    "gelu",       "softplus",   "softmax",    "log_softmax", "identity"};

std::string shape_text(const std::vector<std::int64_t>& s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

// 2, or [3, 1]
std::string size2_text(Size2 s) {
  if (s.h == s.w) return std::to_string(s.h);
  return shape_text({s.h, s.w});
}

}  // namespace

std::span<const std::string_view> layer_types() { return kTypes; }

std::vector<LayerKey> layer_keys(std::string_view type) {
  if (type == "conv2d") return {kOutChannels, kKernel, kStride, kPadding, kDilation, kBias};
  if (type == "max_pool2d") return {kKernel, kStride, kPadding, kDilation};
  if (type == "avg_pool2d") return {kKernel, kStride, kPadding, {"count_include_pad", &L::count_include_pad}};
  if (type == "linear") return {kOutFeatures, kBias};
  if (type == "flatten") return {{"start_dim", &L::start_dim, 1}, {"end_dim", &L::end_dim, -1e300}};
  if (type == "dropout") return {{"p", &L::p, 0, false, 1}};
  if (type == "batch_norm1d" || type == "batch_norm2d")
    return {kEps, {"momentum", &L::momentum, 0, false, 1}, {"affine", &L::affine},
            {"track_running_stats", &L::track_running_stats}};
  if (type == "layer_norm") return {kEps, {"elementwise_affine", &L::elementwise_affine}};
  if (type == "leaky_relu") return {{"negative_slope", &L::negative_slope, -1e300}};
  if (type == "elu") return {{"alpha", &L::alpha, -1e300}};
  if (type == "softplus") return {{"beta", &L::beta, 0, true}, {"threshold", &L::threshold, -1e300}};
  if (type == "softmax" || type == "log_softmax") return {{"dim", &L::dim, -1e300}};
  return {};
}

std::string layer_key_expectation(const LayerKey& key) {
  const std::string name(key.name);
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  };
  return std::visit(
      [&](auto member) -> std::string {
        using F = std::remove_reference_t<decltype(std::declval<L>().*member)>;
        if constexpr (std::is_same_v<F, bool>) return "true or false";
        else if constexpr (std::is_same_v<F, Size2>)
          return name + " >= " + num(key.min) + ", an integer or [height, width]";
        else if constexpr (std::is_same_v<F, std::int64_t>)
          return key.min <= -1e299 ? "an integer" : "an integer " + name + " >= " + num(key.min);
        else if (key.max < 1e299) return name + " in [" + num(key.min) + ", " + num(key.max) + "]";
        else if (key.min <= -1e299) return "a number";
        else return name + (key.strict ? " > " : " >= ") + num(key.min);
      },
      key.field);
}

void infer_layer_shapes(ModelConfig& model, const std::string& path) {
  std::vector<std::int64_t> shape = model.input_shape;
  for (std::size_t i = 0; i < model.layer.size(); ++i) {
    LayerConfig& l = model.layer[i];
    const std::string where = path + ": model.layer[" + std::to_string(i) + "]";
    auto fail_shape = [&](const std::string& expected) {
      throw ConfigError(where + " (" + l.type + "): input shape " + shape_text(shape) + ": expected " + expected);
    };
    auto fail_key = [&](const std::string& key, const std::string& value, const std::string& expected) {
      throw ConfigError(where + "." + key + " = " + value + ": expected " + expected + " (input shape " +
                        shape_text(shape) + ")");
    };
    l.in_shape = shape;
    const std::string& t = l.type;
    if (t == "conv2d" || t == "max_pool2d" || t == "avg_pool2d") {
      if (shape.size() != 3) fail_shape("three dimensions [channels, height, width] (set model.input_shape, e.g. [1, 28, 28])");
      const bool conv = t == "conv2d";
      const Size2 k = l.kernel_size;
      const Size2 s = l.stride.h ? l.stride : (conv ? Size2(1) : k);
      const Size2 p = l.padding;
      const Size2 d = t == "avg_pool2d" ? Size2(1) : l.dilation;
      if (!conv && (2 * p.h > k.h || 2 * p.w > k.w))
        fail_key("padding", size2_text(p), "at most half of kernel_size = " + size2_text(k));
      const std::int64_t span_h = d.h * (k.h - 1) + 1, span_w = d.w * (k.w - 1) + 1;
      if (span_h > shape[1] + 2 * p.h || span_w > shape[2] + 2 * p.w)
        fail_key("kernel_size", size2_text(k), "a window (dilated) no larger than the padded input, " +
                                                   std::to_string(shape[1] + 2 * p.h) + " x " + std::to_string(shape[2] + 2 * p.w));
      // PyTorch's floor((H + 2p - d (k - 1) - 1) / s) + 1
      shape = {conv ? l.out_channels : shape[0], (shape[1] + 2 * p.h - span_h) / s.h + 1,
               (shape[2] + 2 * p.w - span_w) / s.w + 1};
    } else if (t == "linear") {
      if (shape.size() != 1) fail_shape("one dimension (add a flatten layer before it)");
      shape = {l.out_features};
    } else if (t == "flatten") {
      const auto rank = static_cast<std::int64_t>(shape.size()) + 1;  // with the batch dimension
      const std::int64_t start = l.start_dim, end = l.end_dim < 0 ? l.end_dim + rank : l.end_dim;
      if (start >= rank) fail_key("start_dim", std::to_string(l.start_dim), "start_dim < " + std::to_string(rank) + ", the input's rank with the batch");
      if (end < start || end >= rank) fail_key("end_dim", std::to_string(l.end_dim), "a dimension from start_dim to " + std::to_string(rank - 1));
      std::vector<std::int64_t> out(shape.begin(), shape.begin() + (start - 1));
      out.push_back(std::accumulate(shape.begin() + (start - 1), shape.begin() + end, std::int64_t{1}, std::multiplies<>()));
      out.insert(out.end(), shape.begin() + end, shape.end());
      shape = out;
    } else if (t == "batch_norm1d") {
      if (shape.size() != 1 && shape.size() != 2) fail_shape("[features] or [channels, length]");
    } else if (t == "batch_norm2d") {
      if (shape.size() != 3) fail_shape("[channels, height, width]");
    } else if (t == "softmax" || t == "log_softmax") {
      const auto rank = static_cast<std::int64_t>(shape.size()) + 1;
      if (l.dim < -rank || l.dim >= rank) fail_key("dim", std::to_string(l.dim), "a dimension in [" + std::to_string(-rank) + ", " + std::to_string(rank - 1) + "]");
    }
    l.out_shape = shape;
  }
}

}  // namespace descent::train
