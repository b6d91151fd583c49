#pragma once
// The hand-derived optimizer tests run on f(p) = 1/2 p^2, whose gradient is p itself, so every step
// can be worked out on paper.
#include <vector>

#include "descent/descent.hpp"

namespace descent::optim::testing {

// p after each of `steps` updates of Rule(options), from p0, in float64.
template <class Rule, class Options>
std::vector<double> steps_on_half_square(Options options, double p0, int steps = 2) {
  Tensor p = tensor({p0}, Dtype::Float64).requires_grad_();
  Rule opt(std::vector<Tensor>{p}, options);
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    (pow(p, 2.0) * 0.5).sum().backward();
    opt.step();
    out.push_back(p.item());
  }
  return out;
}

}  // namespace descent::optim::testing
