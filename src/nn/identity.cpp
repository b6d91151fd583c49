// Identity keeps its whole definition in its header; this file holds its registry entry.
#include "descent/nn/identity.hpp"

#include "layer_entry.hpp"

namespace descent::nn {

const LayerType& identity_layer() {
  static const LayerType type{
      .name = "identity",
      .summary = "the input itself (a placeholder)",
      .options = util::option_infos<entry::NoOptions>,
      .check = util::check_options_text<entry::NoOptions>,
      .make = [](const util::NameValuePairs&, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<Identity>();
      },
      .output_shape = entry::same_shape,
  };
  return type;
}

}  // namespace descent::nn
