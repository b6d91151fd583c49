#include "descent/nn/activation.hpp"

#include "descent/autograd/ops/activation.hpp"

namespace descent::nn {

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return tanh(input); }
Tensor ReLU::forward(const Tensor& input) { return relu(input); }

}  // namespace descent::nn
