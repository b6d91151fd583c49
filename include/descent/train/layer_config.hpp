#pragma once
// The [[model.layer]] form's shape inference: each layer's in_shape and out_shape, from
// model.input_shape through every layer's entry in nn's registry (descent/nn/layer_type.hpp), which
// also gives the types, keys and allowed values config.cpp reads the tables with.
#include <string>

#include "descent/train/config.hpp"

namespace descent::train {

// Fills in_shape and out_shape of every layer, starting from model.input_shape. Throws ConfigError
// naming the layer and key when a layer cannot take its input: "cfg.toml: model.layer[4] (linear):
// input shape [16, 5, 5]: expected one dimension (add a flatten layer before it)".
void infer_layer_shapes(ModelConfig& model, const std::string& path);

}  // namespace descent::train
