#pragma once
// Identity: returns its input, as torch.nn.Identity (a placeholder where a layer is optional).
#include "descent/nn/module.hpp"

namespace descent::nn {

class Identity : public Module {
 public:
  Tensor forward(const Tensor& input) override { return input; }
  std::string describe() const override { return "Identity()"; }
};

}  // namespace descent::nn
