#include "descent/nn/activation.hpp"

#include "descent/autograd/ops/activation.hpp"
#include "python_repr.hpp"

namespace descent::nn {

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return tanh(input); }
Tensor ReLU::forward(const Tensor& input) { return relu(input); }
Tensor LeakyReLU::forward(const Tensor& input) { return leaky_relu(input, slope_); }
Tensor ELU::forward(const Tensor& input) { return elu(input, alpha_); }
Tensor GELU::forward(const Tensor& input) { return gelu(input); }
Tensor Softplus::forward(const Tensor& input) { return softplus(input, beta_, threshold_); }
Tensor Softmax::forward(const Tensor& input) { return softmax(input, dim_); }
Tensor LogSoftmax::forward(const Tensor& input) { return log_softmax(input, dim_); }

std::string LeakyReLU::describe() const { return "LeakyReLU(negative_slope=" + python_float(slope_) + ")"; }
std::string ELU::describe() const { return "ELU(alpha=" + python_float(alpha_) + ")"; }
// PyTorch's defaults here are ints (beta=1, threshold=20) and print without ".0".
std::string Softplus::describe() const {
  return "Softplus(beta=" + python_number(beta_) + ", threshold=" + python_number(threshold_) + ")";
}

}  // namespace descent::nn
