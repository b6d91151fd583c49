#pragma once
// Distances and similarities between embeddings, as PyTorch 1.13 defines them
// (torch.nn.functional.pairwise_distance, cosine_similarity). Both are differentiable and broadcast
// x1 against x2.
//   pairwise_distance(x1, x2, p, eps, keepdim) = ||x1 - x2 + eps||_p over the last dimension
//     = (sum_k |x1_k - x2_k + eps|^p)^(1/p), p >= 1. PyTorch adds eps to the difference (not to the
//     norm), so identical inputs are eps * D^(1/p) apart. At a zero difference the gradient is 0.
//   cosine_similarity(x1, x2, dim, eps) = sum x1 x2 / (max(||x1||, eps) max(||x2||, eps)) along dim.
//     This is PyTorch 1.13's rule, which clamps each norm separately, computing
//     sum (x1 / max(||x1||, eps)) (x2 / max(||x2||, eps)); older releases (and PyTorch's
//     documentation) write x1 . x2 / max(||x1|| ||x2||, eps), which differs where ||x1|| ||x2|| < eps
//     and neither norm is below eps. The gradient is that of the formula above (nothing flows through
//     a clamped norm); PyTorch 1.13's backward lets gradient through the clamp, so the two gradients
//     differ, though the values agree, where a norm is below eps.
#include <cstdint>

#include "descent/tensor/tensor.hpp"

namespace descent::nn {

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p = 2.0, double eps = 1e-6, bool keepdim = false);
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, std::int64_t dim = 1, double eps = 1e-8);

}  // namespace descent::nn
