#pragma once
// Gradient descent on a function of a few variables (functions/objective.hpp) with any optimizer that
// optim::make_optimizer builds: the same update code that trains networks, on a walk small enough to
// follow step by step. Each variable is a 0-d parameter tensor named x, y, z (x1..xn beyond three);
// the gradient comes from backward() through the function's ops.
#include <cstdint>
#include <functional>
#include <vector>

#include "descent/functions/objective.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/tensor/dtype.hpp"

namespace descent::train {

struct MinimizeOptions {
  std::vector<double> x0;        // the start, one value per variable
  std::int64_t steps = 0;        // optimizer steps; the walk has steps + 1 points
  Dtype dtype = Dtype::Float64;  // of the parameters and the arithmetic: float32 or float64
};

// The point after `step` optimizer steps (step 0 is the start), and the value and gradient there.
// Every number is exact in the run's dtype.
struct MinimizePoint {
  std::int64_t step = 0;
  std::vector<double> x;
  double loss = 0;
  std::vector<double> grad;  // 0 for a variable the function does not use
  double grad_norm = 0;      // sqrt(sum grad_i^2), rounded to the dtype
};

// Evaluates `f` and its gradient at options.x0, then `steps` times: one optimizer step, and `f` and its
// gradient at the new point. Calls `on_point` with each of the steps + 1 points and returns the last.
// Throws ValueError for a variable count `f` does not take, an unknown optimizer or a bad option.
MinimizePoint minimize(const functions::Objective& f, const optim::OptimizerSpec& spec, const MinimizeOptions& options,
                       const std::function<void(const MinimizePoint&)>& on_point = {});

}  // namespace descent::train
