#pragma once
// Activations with a parameter, and their backward passes (the output's gradient and the forward's
// input given, the input's gradient returned). Each is one pass over memory, in PyTorch's formulas.
// An `out` of the result's shape and dtype, where a function takes one, receives the result instead of a
// new tensor (a captured training step's buffers, train/captured_step.hpp).
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// min(max(x, min), max); NaN stays NaN. The gradient passes where min <= x <= max (PyTorch's
// clamp_backward), the bounds included.
Tensor clamp(const Tensor& x, double min, double max);
Tensor clamp_backward(const Tensor& grad, const Tensor& x, double min, double max);
// x > 0 ? x : slope x
Tensor leaky_relu(const Tensor& x, double negative_slope, const Tensor& out = Tensor());
Tensor leaky_relu_backward(const Tensor& grad, const Tensor& x, double negative_slope, const Tensor& out = Tensor());
// x > 0 ? x : alpha (e^x - 1), with expm1 so that small |x| keeps its digits
Tensor elu(const Tensor& x, double alpha, const Tensor& out = Tensor());
Tensor elu_backward(const Tensor& grad, const Tensor& x, double alpha, const Tensor& out = Tensor());
// The Gauss error function, elementwise (for GELU and its derivative).
Tensor erf(const Tensor& x);
// x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, the exact form (PyTorch's approximate='none')
Tensor gelu(const Tensor& x, const Tensor& out = Tensor());
Tensor gelu_backward(const Tensor& grad, const Tensor& x, const Tensor& out = Tensor());
// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (as PyTorch, for stability)
Tensor softplus(const Tensor& x, double beta, double threshold);
Tensor softplus_backward(const Tensor& grad, const Tensor& x, double beta, double threshold);

}  // namespace descent::kernels
