#pragma once
// LayerNorm: normalizes over the trailing normalized_shape of its input, then scales and shifts
// elementwise, as torch.nn.LayerNorm; weight starts at 1 and bias at 0.
#include "descent/nn/module.hpp"

namespace descent::nn {

struct LayerNormOptions {
  double eps = 1e-5;
  bool elementwise_affine = true;  // learnable weight and bias, shaped normalized_shape
  Dtype dtype = Dtype::Float32;
};

class LayerNorm : public Module {
 public:
  explicit LayerNorm(Shape normalized_shape, LayerNormOptions options = {});
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "LayerNorm((10,), eps=1e-05, elementwise_affine=True)"

  const Tensor& weight() const { return weight_; }  // undefined without elementwise_affine
  const Tensor& bias() const { return bias_; }
  const Shape& normalized_shape() const { return shape_; }
  const LayerNormOptions& options() const { return options_; }

 private:
  Shape shape_;
  LayerNormOptions options_;
  Tensor weight_, bias_;
};

}  // namespace descent::nn
