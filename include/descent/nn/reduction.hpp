#pragma once
// How a loss reduces its per-element values: PyTorch's reduction = 'none' | 'mean' | 'sum'.
#include <string>
#include <string_view>

namespace descent::nn {

enum class Reduction { None, Mean, Sum };

Reduction reduction_from_string(std::string_view name);  // throws ValueError naming the value
std::string to_string(Reduction r);

}  // namespace descent::nn
