#pragma once
// The [[model.layer]] vocabulary: which layer types a config may name, which keys each takes and what
// values they allow, and the shape inference that fills each layer's in_shape and out_shape.
// config.cpp reads the TOML through this table, so adding a layer option is one row here.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "descent/train/config.hpp"

namespace descent::train {

// One key of a layer table, the field it sets and the smallest value it allows.
struct LayerKey {
  std::string_view name;
  std::variant<std::int64_t LayerConfig::*, Size2 LayerConfig::*, bool LayerConfig::*, double LayerConfig::*> field;
  double min = 0;            // numbers and integers: value >= min (or > min when strict)
  bool strict = false;
  double max = 1e300;        // numbers: value <= max
  bool required = false;
};

// The layer types, in the order messages list them.
std::span<const std::string_view> layer_types();
// The keys `type` takes (without "type"); empty for a type with no options or an unknown one.
std::vector<LayerKey> layer_keys(std::string_view type);
// "kernel_size >= 1", "p in [0, 1]": what a key allows, for messages.
std::string layer_key_expectation(const LayerKey& key);

// Fills in_shape and out_shape of every layer, starting from model.input_shape. Throws ConfigError
// naming the layer and key when a layer cannot take its input: "cfg.toml: model.layer[4] (linear):
// input shape [16, 5, 5]: expected one dimension (add a flatten layer before it)".
void infer_layer_shapes(ModelConfig& model, const std::string& path);

}  // namespace descent::train
