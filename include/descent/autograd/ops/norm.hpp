#pragma once
// The vector norm of torch.linalg.vector_norm, over the last dimension, as pairwise_distance takes it.
#include "descent/tensor/tensor.hpp"

namespace descent {

// ||v||_p = (sum_k |v_k|^p)^(1/p) over v's last dimension, p >= 1 (2 and 1 take their own kernels);
// keepdim keeps that dimension as size 1. The gradient is 0 where the norm is 0.
Tensor vector_norm(const Tensor& v, double p, bool keepdim = false);

}  // namespace descent
