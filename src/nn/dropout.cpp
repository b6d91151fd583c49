#include "descent/nn/dropout.hpp"

#include <string>

#include "descent/autograd/ops/dropout.hpp"
#include "descent/error.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"

namespace descent::nn {

Dropout::Dropout(double p, DropoutOptions options) : p_(p), options_(options) {
  if (!(p >= 0.0 && p <= 1.0))
    throw ValueError("Dropout: probability has to be between 0 and 1, but got " + python_float(p));
}

Tensor Dropout::forward(const Tensor& input) { return dropout(input, p_, is_training(), options_.generator); }

std::string Dropout::describe() const { return "Dropout(p=" + python_float(p_) + ", inplace=False)"; }

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct DropoutArgs {
  static constexpr std::string_view kName = "Dropout";
  double p = 0.5;  // Dropout's default

  static std::span<const OptionField<DropoutArgs>> fields() {
    static constexpr OptionField<DropoutArgs> kFields[] = {field<&DropoutArgs::p>("p").in(0, 1)};
    return kFields;
  }
  void check() const {}
};

}  // namespace

const LayerType& dropout_layer() {
  static const LayerType type{
      .name = "dropout",
      .summary = "in training, zeroes each element with probability p and scales the rest by 1 / (1 - p)",
      .options = util::option_infos<DropoutArgs>,
      .check = util::check_options_text<DropoutArgs>,
      // The masks come from default_generator(), not `gen`, which need not outlive the model.
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<Dropout>(util::options_from_text<DropoutArgs>(options).p);
      },
      .output_shape = entry::same_shape,
  };
  return type;
}

}  // namespace descent::nn
