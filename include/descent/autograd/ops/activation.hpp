#pragma once
// Differentiable activations. softmax and log_softmax subtract the row maximum first, so large
// logits neither overflow nor lose the small probabilities.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor sigmoid(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor relu(const Tensor& a);
// torch.clamp: min(max(x, min), max), everything max when min > max; the gradient is 1 where
// min <= x <= max (the bounds included, as PyTorch's), 0 elsewhere.
Tensor clamp(const Tensor& a, double min, double max);
// x > 0 ? x : negative_slope x
Tensor leaky_relu(const Tensor& a, double negative_slope = 0.01);
// x > 0 ? x : alpha (e^x - 1)
Tensor elu(const Tensor& a, double alpha = 1.0);
// x Phi(x) with the exact normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2 (PyTorch's default, not the tanh approximation)
Tensor gelu(const Tensor& a);
// log(1 + e^(beta x)) / beta, reverting to x where beta x > threshold
Tensor softplus(const Tensor& a, double beta = 1.0, double threshold = 20.0);
Tensor softmax(const Tensor& a, std::int64_t dim);
Tensor log_softmax(const Tensor& a, std::int64_t dim);

}  // namespace descent
