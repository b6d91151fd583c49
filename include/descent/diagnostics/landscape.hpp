#pragma once
// The loss along a line (or over a plane) through a model's weights: L(θ + a·d1 [+ b·d2]) for a, b in
// [-span, span]. Directions: "gradient", the steepest descent -∇L/|∇L| on the batch, and "random", a
// seeded Gaussian direction; each is scaled to unit length over all parameters together, so a and b
// are distances in weight space. The weights are restored afterwards.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/diagnostics/loss_fn.hpp"
#include "descent/nn/module.hpp"

namespace descent::diagnostics {

struct LandscapeOptions {
  std::vector<std::string> directions = {"gradient"};  // one (a line) or two (a plane)
  double span = 1.0;
  std::int64_t points = 41;  // per axis, odd so that 0 is one of them
  std::uint64_t seed = 0;    // for random directions
};

struct Landscape {
  std::vector<double> a, b;               // the axes (b empty for a line)
  std::vector<std::vector<double>> loss;  // loss[j][i] at (a[i], b[j]); one row for a line
  double loss_at_origin = 0;
};

// Throws ValueError for an unknown direction, more than two, span <= 0 or points < 3.
Landscape loss_landscape(nn::Module& model, const LossFn& loss, const Tensor& inputs, const Tensor& targets,
                         const LandscapeOptions& options);

}  // namespace descent::diagnostics
