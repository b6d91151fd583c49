#pragma once
// How a loss reduces its per-element values: PyTorch's reduction = 'none' | 'mean' | 'sum'.
#include <string>
#include <string_view>

#include "descent/tensor/tensor.hpp"

namespace descent::nn {

enum class Reduction { None, Mean, Sum };

Reduction reduction_from_string(std::string_view name);  // throws ValueError naming the value
std::string to_string(Reduction r);

// PyTorch's apply_loss_reduction, differentiable: the mean over every element, the sum, or the
// per-element losses themselves.
Tensor reduce(const Tensor& losses, Reduction reduction);

}  // namespace descent::nn
