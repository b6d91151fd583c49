#pragma once
// Differentiable batch normalization (Ioffe & Szegedy 2015) and layer normalization (Ba et al. 2016),
// as torch.nn.functional.batch_norm and layer_norm.
#include "descent/tensor/tensor.hpp"

namespace descent {

// input (N, C, *), normalized per channel. training: with the batch's mean and biased variance, and
// running_mean / running_var (when defined) updated in place as running = (1 - momentum) running +
// momentum stat, the variance's stat unbiased (times M / (M - 1), M values per channel) as PyTorch's.
// Not training: with the running statistics. weight and bias (C) may be undefined.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

// Normalizes over the trailing dimensions `normalized_shape` of input (mean and biased variance of
// each group), then weight * x + bias elementwise (both shaped normalized_shape, or undefined).
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace descent
