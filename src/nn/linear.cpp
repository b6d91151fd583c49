#include "descent/nn/linear.hpp"

#include <cmath>

#include "descent/autograd/ops/linalg.hpp"
#include "descent/nn/init.hpp"
#include "descent/tensor/creation.hpp"
#include "layer_entry.hpp"

namespace descent::nn {

Linear::Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options)
    : in_(in_features), out_(out_features) {
  if (in_features < 1 || out_features < 1)
    throw ValueError("Linear(" + std::to_string(in_features) + ", " + std::to_string(out_features) +
                     "): expected positive feature counts");
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
  weight_ = register_parameter(
      "weight", uniform(Shape{out_features, in_features}, -bound, bound, options.dtype, options.generator));
  if (options.bias)
    bias_ = register_parameter("bias", uniform(Shape{out_features}, -bound, bound, options.dtype, options.generator));
}

Tensor Linear::forward(const Tensor& input) {
  if (input.dim() == 1) return linear(input.reshape(Shape{1, in_}), weight_, bias_).reshape(Shape{out_});
  if (input.dim() == 2) return linear(input, weight_, bias_);
  // (..., in) -> (..., out): fold the leading dimensions into rows
  Shape out_shape = input.shape();
  out_shape[out_shape.size() - 1] = out_;
  return linear(input.reshape(Shape{-1, in_}), weight_, bias_).reshape(out_shape);
}

std::string Linear::describe() const {
  return "Linear(in_features=" + std::to_string(in_) + ", out_features=" + std::to_string(out_) +
         ", bias=" + (bias_.defined() ? "True" : "False") + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct LinearArgs {
  static constexpr std::string_view kName = "Linear";
  std::int64_t out_features = 0;
  bool bias = LinearOptions{}.bias;
  std::string weight_init = "default";
  std::string bias_init = "default";

  static std::span<const OptionField<LinearArgs>> fields() {
    static constexpr OptionField<LinearArgs> kFields[] = {
        field<&LinearArgs::out_features>("out_features").at_least(1).required(),
        field<&LinearArgs::bias>("bias"),
        field<&LinearArgs::weight_init>("weight_init"),
        field<&LinearArgs::bias_init>("bias_init"),
    };
    return kFields;
  }
  void check() const { entry::check_inits(kName, weight_init, bias_init, bias); }
};

}  // namespace

const LayerType& linear_layer() {
  static const LayerType type{
      .name = "linear",
      .summary = "x W^T + b over [features]; in_features from the input",
      .options = [] { return entry::with_init_forms(util::option_infos<LinearArgs>()); },
      .check = util::check_options_text<LinearArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape& in, Dtype dtype,
                 Generator& gen) -> std::shared_ptr<Module> {
        const LinearArgs a = util::options_from_text<LinearArgs>(options);
        auto layer = std::make_shared<Linear>(in.at(0), a.out_features,
                                              LinearOptions{.bias = a.bias, .dtype = dtype, .generator = &gen});
        entry::apply_inits(a.weight_init, a.bias_init, layer->weight(), layer->bias(), gen);
        return layer;
      },
      .output_shape = [](const util::NameValuePairs& options, const ExampleShape& in) -> ExampleShape {
        if (in.size() != 1) throw LayerInputError("", "one dimension (add a flatten layer before it)");
        return {util::options_from_text<LinearArgs>(options).out_features};
      },
  };
  return type;
}

}  // namespace descent::nn
