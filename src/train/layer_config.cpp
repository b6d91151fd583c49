#include "descent/train/layer_config.hpp"

#include "descent/error.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

std::string shape_text(const std::vector<std::int64_t>& s) { return util::list_text(s); }

// An option's value as a config writes it: 3,1 (a Size2's text) is [3, 1]; "(default)" when not set.
std::string written(const LayerConfig& l, const std::string& key) {
  std::string text = l.option(key);
  if (text.empty()) return "(default)";
  if (text.find(',') == std::string::npos) return text;
  return "[" + text.replace(text.find(','), 1, ", ") + "]";
}

}  // namespace

std::string LayerConfig::option(std::string_view name) const {
  for (const auto& [key, text] : options)
    if (key == name) return text;
  return {};
}

void infer_layer_shapes(ModelConfig& model, const std::string& path) {
  std::vector<std::int64_t> shape = model.input_shape;
  for (std::size_t i = 0; i < model.layer.size(); ++i) {
    LayerConfig& l = model.layer[i];
    const std::string where = path + ": model.layer[" + std::to_string(i) + "]";
    l.in_shape = shape;
    try {
      shape = nn::find_layer_type(l.type).output_shape(l.options, shape);
    } catch (const nn::LayerInputError& e) {
      if (e.key().empty())
        throw ConfigError(where + " (" + l.type + "): input shape " + shape_text(l.in_shape) + ": expected " +
                          e.expected());
      throw ConfigError(where + "." + e.key() + " = " + written(l, e.key()) + ": expected " + e.expected() +
                        " (input shape " + shape_text(l.in_shape) + ")");
    }
    l.out_shape = shape;
  }
}

}  // namespace descent::train
