#pragma once
// How a loss reduces its per-element values: PyTorch's reduction = 'none' | 'mean' | 'sum'.
#include <string>
#include <string_view>

#include "descent/autograd/ops/loss.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::nn {

// None, Mean or Sum; defined beside the fused loss ops, which take it too.
using descent::Reduction;

Reduction reduction_from_string(std::string_view name);  // throws ValueError naming the value
std::string to_string(Reduction r);

// PyTorch's apply_loss_reduction, differentiable: the mean over every element, the sum, or the
// per-element losses themselves.
Tensor reduce(const Tensor& losses, Reduction reduction);

}  // namespace descent::nn
