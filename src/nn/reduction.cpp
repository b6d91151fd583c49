#include "descent/nn/reduction.hpp"

#include "descent/autograd/ops/reduction.hpp"
#include "descent/error.hpp"

namespace descent::nn {

Reduction reduction_from_string(std::string_view name) {
  if (name == "none") return Reduction::None;
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  throw ValueError("unknown reduction \"" + std::string(name) + "\": expected none, mean or sum");
}

std::string to_string(Reduction r) {
  switch (r) {
    case Reduction::None: return "none";
    case Reduction::Mean: return "mean";
    case Reduction::Sum: return "sum";
  }
  return "?";
}

Tensor reduce(const Tensor& losses, Reduction reduction) {
  if (reduction == Reduction::Mean) return mean(losses);
  if (reduction == Reduction::Sum) return sum(losses);
  return losses;
}

}  // namespace descent::nn
