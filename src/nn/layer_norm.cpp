#include "descent/nn/layer_norm.hpp"

#include "descent/autograd/ops/normalization.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"

namespace descent::nn {

LayerNorm::LayerNorm(Shape normalized_shape, LayerNormOptions options) : shape_(normalized_shape), options_(options) {
  if (shape_.empty() || numel(shape_) < 1)
    throw ValueError("LayerNorm(" + python_tuple(shape_) + "): expected a non-empty normalized_shape");
  if (options.elementwise_affine) {
    weight_ = register_parameter("weight", ones(shape_, options.dtype));
    bias_ = register_parameter("bias", zeros(shape_, options.dtype));
  }
}

Tensor LayerNorm::forward(const Tensor& input) { return layer_norm(input, shape_, weight_, bias_, options_.eps); }

std::string LayerNorm::describe() const {
  return "LayerNorm(" + python_tuple(shape_) + ", eps=" + python_float(options_.eps) +
         ", elementwise_affine=" + (options_.elementwise_affine ? "True" : "False") + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct LayerNormArgs {
  static constexpr std::string_view kName = "LayerNorm";
  double eps = LayerNormOptions{}.eps;
  bool elementwise_affine = LayerNormOptions{}.elementwise_affine;

  static std::span<const OptionField<LayerNormArgs>> fields() {
    static constexpr OptionField<LayerNormArgs> kFields[] = {
        field<&LayerNormArgs::eps>("eps").above(0),
        field<&LayerNormArgs::elementwise_affine>("elementwise_affine"),
    };
    return kFields;
  }
  void check() const {}
};

}  // namespace

const LayerType& layer_norm_layer() {
  static const LayerType type{
      .name = "layer_norm",
      .summary = "normalizes each example over all its dimensions (normalized_shape = the input's shape)",
      .options = util::option_infos<LayerNormArgs>,
      .check = util::check_options_text<LayerNormArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape& in, Dtype dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const LayerNormArgs a = util::options_from_text<LayerNormArgs>(options);
        return std::make_shared<LayerNorm>(
            Shape(in.begin(), in.end()),
            LayerNormOptions{.eps = a.eps, .elementwise_affine = a.elementwise_affine, .dtype = dtype});
      },
      .output_shape = entry::same_shape,
  };
  return type;
}

}  // namespace descent::nn
