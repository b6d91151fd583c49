#pragma once
// Differentiable dropout (Srivastava et al. 2014, "inverted" as PyTorch's): in training each element is
// zeroed with probability p and the survivors are scaled by 1 / (1 - p), so the expected value is
// unchanged and evaluation needs no rescaling.
#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

// Not training, or p = 0: the input itself. The mask is drawn from `gen` (default_generator() when null).
Tensor dropout(const Tensor& input, double p = 0.5, bool training = true, Generator* gen = nullptr);
// input * mask / (1 - p) with a given mask of 0s and 1s (input's shape and dtype): dropout with its
// randomness fixed, for tests and for reproducing a run.
Tensor dropout_with_mask(const Tensor& input, const Tensor& mask, double p);

}  // namespace descent
