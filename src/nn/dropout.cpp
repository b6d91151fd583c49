#include "descent/nn/dropout.hpp"

#include <string>

#include "descent/autograd/ops/dropout.hpp"
#include "descent/error.hpp"
#include "python_repr.hpp"

namespace descent::nn {

Dropout::Dropout(double p, DropoutOptions options) : p_(p), options_(options) {
  if (!(p >= 0.0 && p <= 1.0))
    throw ValueError("Dropout: probability has to be between 0 and 1, but got " + python_float(p));
}

Tensor Dropout::forward(const Tensor& input) { return dropout(input, p_, is_training(), options_.generator); }

std::string Dropout::describe() const { return "Dropout(p=" + python_float(p_) + ", inplace=False)"; }

}  // namespace descent::nn
