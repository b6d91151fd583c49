#pragma once
// Loops the losses need beyond the elementwise kernels: scans of target values (so that a bad label
// is reported with its index), and the fused binary cross-entropy passes, written as PyTorch 1.13's
// CPU kernels write them so that values agree to the last few bits.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// Row-major flat index of the first element of `a` outside [low, high] (NaN is outside), or -1.
// Any dtype but uint8.
std::int64_t find_outside(const Tensor& a, double low, double high);
// Row-major flat index of the first element of `a` equal to neither `v0` nor `v1`, or -1.
std::int64_t find_other_than(const Tensor& a, double v0, double v1);

// Binary cross-entropy of probabilities x against targets y (same shape and dtype), elementwise,
// with PyTorch's clamp of each logarithm at -100 (so x = 0 or 1 gives a finite loss):
//   l = (y - 1) max(log(1 - x), -100) - y max(log x, -100)
Tensor binary_cross_entropy(const Tensor& x, const Tensor& y);
// grad * dl/dx = grad * (x - y) / max(x (1 - x), 1e-12)   (PyTorch's EPSILON, 1e-12 rounded to float)
Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& x, const Tensor& y);
// grad * dl/dy = grad * (max(log(1 - x), -100) - max(log x, -100))
Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& x);

// Binary cross-entropy of logits x against targets y, elementwise, in the log-sum-exp form that
// never exponentiates a large positive number: with m = max(-x, 0),
//   softplus(-x) = log(1 + e^-x) = m + log(e^-m + e^(-x-m))
//   l = (1 - y) x + (1 + (pw - 1) y) softplus(-x)
// pos_weight (pw) is undefined (pw = 1) or has x's shape. Same shape and dtype for x, y, pw.
Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& y, const Tensor& pos_weight);
// grad * dl/dx = grad * ((pw y + 1 - y) sigmoid(x) - pw y)
Tensor binary_cross_entropy_with_logits_backward(const Tensor& grad, const Tensor& x, const Tensor& y,
                                                 const Tensor& pos_weight);
// grad * dl/dy = grad * (log sigmoid(-x) - pw log sigmoid(x)), which is -x without pos_weight
Tensor binary_cross_entropy_with_logits_target_backward(const Tensor& grad, const Tensor& x, const Tensor& pos_weight);

}  // namespace descent::kernels
