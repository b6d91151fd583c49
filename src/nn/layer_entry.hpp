#pragma once
// Helpers for the layer registry's entries (descent/nn/layer_type.hpp), private to src/nn/.
#include <string>

#include "descent/nn/layer_type.hpp"

namespace descent::nn::entry {

using util::NameValuePairs;
using util::OptionField;

// [16, 5, 5]
std::string shape_text(const ExampleShape& shape);

// weight_init and bias_init of a layer with a weight and a bias (linear, conv2d): inits of one tensor
// (descent/nn/tensor_init_type.hpp), applied after the layer's own draw ("default" keeps it).
// `infos` with what the two keys allow, for the docs and messages.
std::vector<util::OptionInfo> with_init_forms(std::vector<util::OptionInfo> infos);
// OptionError naming the key unless both parse, and bias_init is "default" when the layer has no bias.
void check_inits(std::string_view owner, const std::string& weight_init, const std::string& bias_init, bool bias);
void apply_inits(const std::string& weight_init, const std::string& bias_init, const Tensor& weight, const Tensor& bias,
                 Generator& gen);

// The merge layers' (add, concat) "inputs": earlier layers' names, which the config reader writes as
// one text, comma-separated. OptionError naming the key when a name is empty; none at all is a module
// made alone (make() with no options), which merges nothing.
void check_merge_inputs(std::string_view owner, const std::string& inputs);
// `infos` with what "inputs" allows, and required: a config must name the outputs to merge.
std::vector<util::OptionInfo> with_merge_inputs(std::vector<util::OptionInfo> infos);
// "[32, 14, 14] (the previous layer's) and [16, 28, 28] (block1_in's)": the shapes a merge layer got.
std::string merge_shapes_text(const std::string& inputs, const std::vector<ExampleShape>& shapes);

// The options struct of a layer without options.
struct NoOptions {
  static constexpr std::string_view kName = "layer";
  static std::span<const OptionField<NoOptions>> fields() { return {}; }
  void check() const {}
};

// output_shape of a layer that keeps its input's shape.
inline ExampleShape same_shape(const NameValuePairs&, const ExampleShape& input_shape) { return input_shape; }

// An entry for an activation module M without options, made by its default constructor.
template <class M>
LayerType activation(std::string_view name, std::string_view summary) {
  return {
      .name = name,
      .summary = summary,
      .options = util::option_infos<NoOptions>,
      .check = util::check_options_text<NoOptions>,
      .make = [](const NameValuePairs&, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<M>();
      },
      .output_shape = same_shape,
      .activation = true,
  };
}

}  // namespace descent::nn::entry
