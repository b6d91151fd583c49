#pragma once
// Printing in PyTorch's style: tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float64).
#include <ostream>
#include <string>

#include "descent/tensor/tensor.hpp"

namespace descent {

std::string to_string(const Tensor& t);
std::ostream& operator<<(std::ostream& out, const Tensor& t);

}  // namespace descent
