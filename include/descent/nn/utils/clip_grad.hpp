#pragma once
// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (1.13). Both act on the
// gradients of the given parameters in place, skipping parameters without one; call them between
// backward() and the optimizer's step().
#include <limits>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::nn::utils {

// Scales every gradient by min(1, max_norm / (total + 1e-6)), where total is the norm_type-norm of all
// gradients taken together as one vector (norm_type = infinity: the largest |g|), and returns total.
// Computed as PyTorch does: the norm of the per-tensor norms; the gradients are multiplied even when
// the factor is 1. Throws ValueError for max_norm < 0 or norm_type <= 0.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0);

// Clamps every gradient element into [-clip_value, clip_value]. Throws ValueError for clip_value < 0.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace descent::nn::utils
