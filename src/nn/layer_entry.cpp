#include "layer_entry.hpp"

#include "descent/nn/tensor_init_type.hpp"
#include "descent/util/join.hpp"

namespace descent::nn::entry {

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

}  // namespace descent::nn::entry
