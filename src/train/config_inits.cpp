#include "config_inits.hpp"

#include "config_data_files.hpp"
#include "descent/nn/tensor_init_type.hpp"

namespace descent::train::config_reader {
namespace {

void read_init(const Section& s, nn::InitParam param, std::string& out) {
  const std::string_view key = nn::init_key(param);
  const toml::node* node = s.find(key);
  if (!node) return;
  if (!node->is_string()) s.fail(key, "one of " + nn::tensor_init_forms(param));
  try {
    nn::parse_tensor_init(node->as_string()->get(), param);
  } catch (const OptionError& e) {
    s.fail(key, e.expected());
  }
  out = node->as_string()->get();
}

}  // namespace

void read_model_inits(const Section& model, ModelConfig& m) {
  read_init(model, nn::InitParam::Weight, m.weight_init);
  read_init(model, nn::InitParam::Bias, m.bias_init);
  // The layer form's bias_init is a default, for the layers that have a bias; the MLP form's is for all.
  if (m.layer.empty() && !m.bias && m.bias_init != "default")
    model.fail("bias_init", "default with model.bias = false (the layers have no bias)");
  m.init_from = read_path(model, "init_from", "the path of a safetensors file of weights");
  model.get("init_strict", m.init_strict);
}

}  // namespace descent::train::config_reader
