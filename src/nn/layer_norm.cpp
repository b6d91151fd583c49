#include "descent/nn/layer_norm.hpp"

#include "descent/autograd/ops/normalization.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
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

}  // namespace descent::nn
