#pragma once
// Dropout: in training mode zeroes each element with probability p and scales the rest by
// 1 / (1 - p); in evaluation mode (eval()) the identity. As torch.nn.Dropout.
#include "descent/nn/module.hpp"
#include "descent/tensor/generator.hpp"

namespace descent::nn {

struct DropoutOptions {
  Generator* generator = nullptr;  // the masks' source; default_generator() when null
};

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, DropoutOptions options = {});
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;  // "Dropout(p=0.5, inplace=False)"
  double p() const { return p_; }

 private:
  double p_;
  DropoutOptions options_;
};

}  // namespace descent::nn
