#include "descent/functions/test_functions.hpp"

#include <numbers>

#include "descent/autograd/ops/arithmetic.hpp"

namespace descent::functions {
namespace {

Tensor square(const Tensor& a) { return pow(a, 2.0); }

Tensor quadratic(const std::vector<Tensor>& x) {
  Tensor f = square(x[0]);
  for (std::size_t i = 1; i < x.size(); ++i) f = f + square(x[i]);
  return f;
}

Tensor rosenbrock(const std::vector<Tensor>& v) {  // a = 1, b = 100
  const Tensor &x = v[0], &y = v[1];
  return square(1.0 - x) + 100.0 * square(y - square(x));
}

Tensor beale(const std::vector<Tensor>& v) {
  const Tensor &x = v[0], &y = v[1];
  return square(1.5 - x + x * y) + square(2.25 - x + x * square(y)) + square(2.625 - x + x * pow(y, 3.0));
}

Tensor booth(const std::vector<Tensor>& v) {
  const Tensor &x = v[0], &y = v[1];
  return square(x + 2.0 * y - 7.0) + square(2.0 * x + y - 5.0);
}

Tensor himmelblau(const std::vector<Tensor>& v) {
  const Tensor &x = v[0], &y = v[1];
  return square(square(x) + y - 11.0) + square(x + square(y) - 7.0);
}

Tensor rastrigin(const std::vector<Tensor>& x) {  // A = 10
  constexpr double kA = 10;
  auto term = [](const Tensor& xi) { return square(xi) - kA * cos(2 * std::numbers::pi * xi); };
  Tensor f = term(x[0]);
  for (std::size_t i = 1; i < x.size(); ++i) f = f + term(x[i]);
  return f + kA * static_cast<double>(x.size());
}

}  // namespace

const std::vector<TestFunction>& test_functions() {
  static const std::vector<TestFunction> all = {
      {"quadratic", "sum_i x_i^2", 0, quadratic, 0, {}},
      {"rosenbrock", "(1 - x)^2 + 100 (y - x^2)^2", 2, rosenbrock, 0, {{1, 1}}},
      {"beale", "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", 2, beale, 0, {{3, 0.5}}},
      {"booth", "(x + 2y - 7)^2 + (2x + y - 5)^2", 2, booth, 0, {{1, 3}}},
      // (3, 2) exactly; the other three from Newton's method in float64, to the last digit.
      {"himmelblau",
       "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
       2,
       himmelblau,
       0,
       {{3, 2},
        {-2.805118086952745, 3.131312518250573},
        {-3.779310253377747, -3.283185991286169},
        {3.5844283403304917, -1.8481265269644034}}},
      {"rastrigin", "10 n + sum_i (x_i^2 - 10 cos(2 pi x_i))", 0, rastrigin, 0, {}},
  };
  return all;
}

const TestFunction* find_test_function(std::string_view name) {
  for (const TestFunction& f : test_functions())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace descent::functions
