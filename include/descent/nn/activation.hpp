#pragma once
// Activation modules: stateless wrappers around the differentiable functions.
#include "descent/nn/module.hpp"

namespace descent::nn {

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Sigmoid()"; }
};

class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Tanh()"; }
};

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "ReLU()"; }
};

}  // namespace descent::nn
