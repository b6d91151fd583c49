#pragma once
// Linear: y = x W^T + b, W (out_features, in_features), as torch.nn.Linear, initialised as PyTorch
// does by default: W and b uniform on (-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5)).
#include <cstdint>

#include "descent/nn/module.hpp"
#include "descent/tensor/generator.hpp"

namespace descent::nn {

struct LinearOptions {
  bool bias = true;
  Dtype dtype = Dtype::Float32;
  Generator* generator = nullptr;  // default_generator() when null
};

class Linear : public Module {
 public:
  Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options = {});
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without bias
  std::int64_t in_features() const { return in_; }
  std::int64_t out_features() const { return out_; }

 private:
  std::int64_t in_, out_;
  Tensor weight_, bias_;
};

}  // namespace descent::nn
