#pragma once
// The layer registry: every layer a config's [[model.layer]] may name, described once. Each entry
// lives in its layer's own source (src/nn/conv2d.cpp holds conv2d_layer()) as
//   const LayerType& conv2d_layer() { static const LayerType type{...}; return type; }
// and cmake/registry.cmake collects them into layer_types() at build time: adding a layer is its
// file and its test, nothing else. The config reader, the MLP form's activations, the docs
// (docs/layers.md) and `descent train --help` all read this table.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/error.hpp"
#include "descent/nn/module.hpp"
#include "descent/tensor/dtype.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/util/option_field.hpp"

namespace descent::nn {

// The shape of one example, without the batch dimension: [channels, height, width], [features].
using ExampleShape = std::vector<std::int64_t>;

struct LayerType {
  std::string_view name;     // the config's type: "conv2d"
  std::string_view summary;  // one line, for the docs and --help
  // The keys a config may set (without "type"), in the order messages list them: name, kind,
  // default, what each allows and whether it must be given.
  std::vector<util::OptionInfo> (*options)();
  // Parses and checks options written as text ({"kernel_size", "5"}); OptionError naming the key.
  void (*check)(const util::NameValuePairs& options);
  // The layer for inputs of `input_shape`, which gives in_channels, in_features, num_features.
  std::shared_ptr<Module> (*make)(const util::NameValuePairs& options, const ExampleShape& input_shape, Dtype dtype,
                                  Generator& gen);
  // The output's shape for an input of `input_shape`; LayerInputError when the layer cannot take it.
  ExampleShape (*output_shape)(const util::NameValuePairs& options, const ExampleShape& input_shape);
  // An elementwise (or softmax-like) function without parameters that keeps the shape: usable as
  // the MLP form's activation and output_activation, with its options at their defaults.
  bool activation = false;
  // Set for a merge layer (add, concat; a Merge module), whose "inputs" option names earlier layers'
  // outputs: the output's shape for the previous layer's output and those, in that order;
  // LayerInputError when they cannot be merged. make() gets the previous output's shape.
  ExampleShape (*merge_shape)(const util::NameValuePairs& options,
                              const std::vector<ExampleShape>& input_shapes) = nullptr;
};

// A layer that cannot take its input: the input shape as a whole (key() empty), or an option's value
// for it (key() names it). expected() says what would fit: "one dimension (add a flatten layer
// before it)".
class LayerInputError : public ShapeError {
 public:
  LayerInputError(std::string key, std::string expected)
      : ShapeError((key.empty() ? "input shape" : key) + ": expected " + expected),
        key_(std::move(key)),
        expected_(std::move(expected)) {}
  const std::string& key() const { return key_; }
  const std::string& expected() const { return expected_; }

 private:
  std::string key_;
  std::string expected_;
};

// Every layer type, sorted by name (generated from the sources, see above).
std::span<const LayerType* const> layer_types();
// The entry of that name; ValueError listing the known names.
const LayerType& find_layer_type(std::string_view name);
// The names of layer_types(), and of those usable as activations.
std::vector<std::string> layer_type_names();
std::vector<std::string> activation_names();

}  // namespace descent::nn
