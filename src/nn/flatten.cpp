#include "descent/nn/flatten.hpp"

#include <string>

#include "descent/autograd/ops/shape.hpp"

namespace descent::nn {

Tensor Flatten::forward(const Tensor& input) { return flatten(input, start_, end_); }

std::string Flatten::describe() const {
  return "Flatten(start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_) + ")";
}

}  // namespace descent::nn
