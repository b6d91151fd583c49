#pragma once
// Differentiable activations. softmax and log_softmax subtract the row maximum first, so large
// logits neither overflow nor lose the small probabilities.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent {

Tensor sigmoid(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor softmax(const Tensor& a, std::int64_t dim);
Tensor log_softmax(const Tensor& a, std::int64_t dim);

}  // namespace descent
