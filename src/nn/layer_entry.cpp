#include "layer_entry.hpp"

#include "descent/nn/tensor_init_type.hpp"
#include "descent/util/join.hpp"
#include "descent/util/split.hpp"

namespace descent::nn::entry {
namespace {

constexpr std::string_view kMergeInputs = "an array of earlier layers' names, e.g. [\"block1_in\"]";

}  // namespace

std::string shape_text(const ExampleShape& shape) { return util::list_text(shape); }

std::vector<util::OptionInfo> with_init_forms(std::vector<util::OptionInfo> infos) {
  for (util::OptionInfo& info : infos) {
    if (info.name == "weight_init") info.allows = "one of " + tensor_init_forms(InitParam::Weight);
    if (info.name == "bias_init") info.allows = "one of " + tensor_init_forms(InitParam::Bias);
  }
  return infos;
}

void check_inits(std::string_view owner, const std::string& weight_init, const std::string& bias_init, bool bias) {
  parse_tensor_init(weight_init, InitParam::Weight, owner);
  if (!parse_tensor_init(bias_init, InitParam::Bias, owner).is_default() && !bias)
    util::reject_option(owner, "bias_init", bias_init, "default with bias = false (the layer has no bias)");
}

void apply_inits(const std::string& weight_init, const std::string& bias_init, const Tensor& weight, const Tensor& bias,
                 Generator& gen) {
  parse_tensor_init(weight_init, InitParam::Weight).apply(weight, gen);
  if (bias.defined()) parse_tensor_init(bias_init, InitParam::Bias).apply(bias, gen);
}

void check_merge_inputs(std::string_view owner, const std::string& inputs) {
  if (inputs.empty()) return;  // a module made alone merges nothing: Add()(x) is x
  for (const std::string& name : util::split(inputs, ','))
    if (name.empty()) util::reject_option(owner, "inputs", inputs, kMergeInputs);
}

std::vector<util::OptionInfo> with_merge_inputs(std::vector<util::OptionInfo> infos) {
  for (util::OptionInfo& info : infos)
    if (info.name == "inputs") {
      info.allows = kMergeInputs;
      info.required = true;
    }
  return infos;
}

std::string merge_shapes_text(const std::string& inputs, const std::vector<ExampleShape>& shapes) {
  const std::vector<std::string> names = util::split(inputs, ',');
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    std::string part = shape_text(shapes[i]);
    if (i == 0) part += " (the previous layer's)";
    else if (i - 1 < names.size()) part.append(" (").append(names[i - 1]).append("'s)");
    parts.push_back(std::move(part));
  }
  return util::join(parts);
}

}  // namespace descent::nn::entry
