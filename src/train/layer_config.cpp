#include "descent/train/layer_config.hpp"

#include "descent/error.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/util/join.hpp"
#include "descent/util/memory_limit.hpp"
#include "descent/util/split.hpp"

#include <map>

namespace descent::train {
namespace {

// One example's values going into or out of a layer: within the memory limit (counted as float32, the
// smallest dtype) before the next layer computes with them, as a config may claim sizes up to 2^63 - 1.
void check_example(const std::string& what, const std::vector<std::int64_t>& shape) {
  util::check_memory(what + " " + util::list_text(shape) + " of one example (as float32)",
                     util::checked_bytes(shape, 4));
}

// An option's value as a config writes it: 3,1 (a Size2's text) is [3, 1]; "(default)" when not set.
std::string written(const LayerConfig& l, const std::string& key) {
  std::string text = l.option(key);
  if (text.empty()) return "(default)";
  if (text.find(',') == std::string::npos) return text;
  return "[" + text.replace(text.find(','), 1, ", ") + "]";
}

// The names of the layers as a merge layer's inputs list them: ["a", "b"].
std::string names_text(const std::string& inputs) {
  std::vector<std::string> quoted;
  for (const std::string& name : util::split(inputs, ','))
    quoted.push_back(std::string("\"").append(name).append("\""));
  return util::list_text(quoted);
}

// The index of the earlier layer named `name`, for layer i; ConfigError `where` (the key and value)
// when no layer has that name, or only layer i or a later one.
std::size_t earlier_layer(const std::map<std::string, std::size_t>& index_of, const std::string& name, std::size_t i,
                          const std::string& where) {
  const auto it = index_of.find(name);
  if (it == index_of.end()) {
    std::vector<std::string> known;
    for (const auto& [n, j] : index_of)
      if (j < i) known.push_back(n);
    throw ConfigError(where + ": expected names of earlier layers: no layer is named \"" + name + "\"" +
                      (known.empty() ? std::string(" (no earlier layer has a name)")
                                     : " (named earlier: " + util::join(known) + ")"));
  }
  if (it->second >= i)
    throw ConfigError(where + ": expected names of earlier layers: \"" + name + "\" is model.layer[" +
                      std::to_string(it->second) + "], " + (it->second == i ? "this layer" : "a later one") +
                      " (a layer takes only the outputs of the layers before it)");
  return it->second;
}

// Each layer's name checked unique, and each layer's input and merge layer's inputs turned into the
// indices of the earlier layers they name.
void resolve_layer_names(ModelConfig& model, const std::string& path) {
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < model.layer.size(); ++i) {
    const std::string& name = model.layer[i].name;
    if (name.empty()) continue;
    const auto [it, added] = index_of.emplace(name, i);
    if (!added)
      throw ConfigError(path + ": model.layer[" + std::to_string(i) + "].name = \"" + name +
                        "\": expected a name no other layer has (model.layer[" + std::to_string(it->second) +
                        "] is named so)");
  }
  for (std::size_t i = 0; i < model.layer.size(); ++i) {
    LayerConfig& l = model.layer[i];
    const std::string where = path + ": model.layer[" + std::to_string(i) + "]";
    l.from.reset();
    l.merged.clear();
    if (!l.input.empty()) l.from = earlier_layer(index_of, l.input, i, where + ".input = \"" + l.input + "\"");
    if (!nn::find_layer_type(l.type).merge_shape) continue;
    const std::string inputs = l.option("inputs");
    for (const std::string& name : util::split(inputs, ','))
      l.merged.push_back(earlier_layer(index_of, name, i, where + ".inputs = " + names_text(inputs)));
  }
}

}  // namespace

std::string LayerConfig::option(std::string_view key) const {
  for (const auto& [option_key, text] : options)
    if (option_key == key) return text;
  return {};
}

void infer_layer_shapes(ModelConfig& model, const std::string& path) {
  resolve_layer_names(model, path);
  std::vector<std::int64_t> shape = model.input_shape;
  check_example(path + ": model.input_shape =", shape);
  for (std::size_t i = 0; i < model.layer.size(); ++i) {
    LayerConfig& l = model.layer[i];
    const std::string where = path + ": model.layer[" + std::to_string(i) + "]";
    if (l.from) shape = model.layer[*l.from].out_shape;
    l.in_shape = shape;
    try {
      const nn::LayerType& type = nn::find_layer_type(l.type);
      if (type.merge_shape) {
        std::vector<nn::ExampleShape> shapes = {shape};
        for (std::size_t j : l.merged) shapes.push_back(model.layer[j].out_shape);
        shape = type.merge_shape(l.options, shapes);
      } else {
        shape = type.output_shape(l.options, shape);
      }
    } catch (const nn::LayerInputError& e) {
      if (e.key().empty())
        throw ConfigError(where + " (" + l.type + "): input shape " + util::list_text(l.in_shape) + ": expected " +
                          e.expected());
      if (e.key() == "inputs")  // the message lists every shape the merge layer got
        throw ConfigError(where + ".inputs = " + names_text(l.option("inputs")) + ": expected " + e.expected());
      throw ConfigError(where + "." + e.key() + " = " + written(l, e.key()) + ": expected " + e.expected() +
                        " (input shape " + util::list_text(l.in_shape) + ")");
    }
    check_example(where + " (" + l.type + "): the output", shape);
    l.out_shape = shape;
  }
}

}  // namespace descent::train
