#pragma once
// Softmax and log-softmax along a dimension, stable by subtracting the maximum first, with their
// backward passes (the gradient of the output given, the gradient of the input returned).
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

Tensor softmax(const Tensor& a, std::int64_t dim);
// Into `out` when it is a contiguous tensor of a's shape and dtype (a captured training step's buffer).
Tensor log_softmax(const Tensor& a, std::int64_t dim, const Tensor& out = Tensor());
// dx = s * (g - sum(g * s)) for s = softmax(x).
Tensor softmax_backward(const Tensor& grad, const Tensor& softmax_out, std::int64_t dim);
// dx = g - softmax(x) * sum(g) for l = log_softmax(x).
Tensor log_softmax_backward(const Tensor& grad, const Tensor& log_softmax_out, std::int64_t dim);

}  // namespace descent::kernels
