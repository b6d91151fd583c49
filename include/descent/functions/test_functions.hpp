#pragma once
// Analytic test functions for optimizers, with their known global minima (as in ensmallen's
// problems/ and Wikipedia's "Test functions for optimization"). Each takes its variables as 0-d
// tensors, x_1..x_n, and is built from differentiable ops, so backward() gives its gradient.
//
//   quadratic   sum_i x_i^2                                  any n   min 0 at the origin
//   rosenbrock  (1 - x)^2 + 100 (y - x^2)^2                  n = 2   min 0 at (1, 1)
//   beale       (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2
//               + (2.625 - x + xy^3)^2                       n = 2   min 0 at (3, 0.5)
//   booth       (x + 2y - 7)^2 + (2x + y - 5)^2              n = 2   min 0 at (1, 3)
//   himmelblau  (x^2 + y - 11)^2 + (x + y^2 - 7)^2           n = 2   min 0 at (3, 2), (-2.805118, 3.131313),
//                                                                     (-3.779310, -3.283186), (3.584428, -1.848127)
//   rastrigin   10 n + sum_i (x_i^2 - 10 cos(2 pi x_i))      any n   min 0 at the origin (and local minima
//                                                                     near every integer point)
#include <cstddef>
#include <string_view>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::functions {

struct TestFunction {
  std::string_view name;
  std::string_view formula;  // as in the table above, for help texts
  std::size_t dimension;     // the number of variables; 0: any number >= 1
  Tensor (*f)(const std::vector<Tensor>& x);
  double minimum = 0;                                 // the value at the global minimizers
  std::vector<std::vector<double>> known_minimizers;  // empty: the origin, in any dimension

  // The global minimizers with `n` variables (all four for himmelblau).
  std::vector<std::vector<double>> minimizers(std::size_t n) const {
    return known_minimizers.empty() ? std::vector<std::vector<double>>{std::vector<double>(n, 0.0)} : known_minimizers;
  }
};

// Every test function, in the order of the table above.
const std::vector<TestFunction>& test_functions();
// The one called `name`, or nullptr.
const TestFunction* find_test_function(std::string_view name);

}  // namespace descent::functions
