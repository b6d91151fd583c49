#pragma once
// Which custom functions lie between a loss and each parameter: when a parameter's gradient is wrong,
// the check's sentence names them, a hand-written backward being the first suspect.
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::diagnostics {

// For each of `params` (leaves), the names of the custom functions on some path from `loss` to it,
// nearest the loss first, each once. Walks the graph's edges, which outlive a backward pass.
std::vector<std::vector<std::string>> custom_functions_on_path(const Tensor& loss, const std::vector<Tensor>& params);

// "" when `names` is empty, else "; the custom function on its path: a" or "; custom functions on its
// path: a, b", to end a sentence with.
std::string suspects(const std::vector<std::string>& names);

}  // namespace descent::diagnostics
