// Every optimizer reaches the minimum of a quadratic and of Rosenbrock's function, in float64, within
// a stated step budget and tolerance (each coordinate within `tolerance` of the minimizer). The
// settings are ordinary ones for each rule; the budgets are about twice the steps PyTorch needs with
// the same settings.
//   quadratic   f = (x - 3)^2 + 10 (y + 1)^2 from (0, 0), minimum at (3, -1)
//   rosenbrock  f = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1), minimum at (1, 1)
// Non-centered RMSprop at a constant lr hovers about 3e-4 from Rosenbrock's minimum, so it runs with
// momentum there; Adadelta crawls along Rosenbrock's valley and gets a looser tolerance. AdamW runs
// without decay: decoupled decay moves the point it settles at away from the minimizer.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/descent.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "optim/spec_print.hpp"

namespace descent::optim {
namespace {

struct Case {
  std::string function;
  OptimizerSpec spec;
  int budget;
  double tolerance;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.function << ": ";
  PrintTo(c.spec, os);
}

Tensor quadratic(const Tensor& v) {
  const Tensor x = v.slice(0, 1), y = v.slice(1, 2);
  return sum(pow(x - 3.0, 2.0) + 10.0 * pow(y + 1.0, 2.0));
}

Tensor rosenbrock(const Tensor& v) {
  const Tensor x = v.slice(0, 1), y = v.slice(1, 2);
  return sum(pow(1.0 - x, 2.0) + 100.0 * pow(y - pow(x, 2.0), 2.0));
}

class Convergence : public ::testing::TestWithParam<Case> {};

TEST_P(Convergence, ReachesTheMinimum) {
  const Case& c = GetParam();
  const bool rosen = c.function == "rosenbrock";
  const double x_min = rosen ? 1.0 : 3.0, y_min = rosen ? 1.0 : -1.0;
  Tensor p = (rosen ? tensor({-1.2, 1.0}, Dtype::Float64) : tensor({0.0, 0.0}, Dtype::Float64)).requires_grad_();
  auto opt = make_optimizer(c.spec, {{"p", p}});
  int steps = 0;
  while (steps < c.budget && !(std::abs(p.at(0) - x_min) < c.tolerance && std::abs(p.at(1) - y_min) < c.tolerance)) {
    opt->zero_grad();
    (rosen ? rosenbrock(p) : quadratic(p)).backward();
    opt->step();
    ++steps;
  }
  EXPECT_LT(std::abs(p.at(0) - x_min), c.tolerance) << "after " << steps << " steps";
  EXPECT_LT(std::abs(p.at(1) - y_min), c.tolerance) << "after " << steps << " steps";
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, Convergence,
    ::testing::Values(Case{"quadratic", {"sgd", {{"lr", "0.02"}, {"momentum", "0.9"}}}, 600, 1e-6},
                      Case{"quadratic", {"adagrad", {{"lr", "1"}}}, 200, 1e-6},
                      Case{"quadratic", {"adadelta", {{"lr", "1"}}}, 2000, 1e-6},
                      Case{"quadratic", {"rmsprop", {{"lr", "0.01"}}}, 1500, 1e-6},
                      Case{"quadratic", {"adam", {{"lr", "0.1"}}}, 600, 1e-6},
                      Case{"quadratic", {"adamw", {{"lr", "0.1"}, {"weight_decay", "0"}}}, 600, 1e-6},
                      Case{"rosenbrock", {"sgd", {{"lr", "0.001"}, {"momentum", "0.9"}}}, 5000, 1e-4},
                      Case{"rosenbrock", {"adagrad", {{"lr", "0.5"}}}, 25000, 1e-4},
                      Case{"rosenbrock", {"adadelta", {{"lr", "0.03"}, {"eps", "1e-7"}}}, 40000, 1e-3},
                      Case{"rosenbrock", {"rmsprop", {{"lr", "0.001"}, {"momentum", "0.9"}}}, 3000, 1e-4},
                      Case{"rosenbrock", {"adam", {{"lr", "0.02"}}}, 7000, 1e-4},
                      Case{"rosenbrock", {"adamw", {{"lr", "0.02"}, {"weight_decay", "0"}}}, 7000, 1e-4}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return param_info.param.spec.name + "_" + param_info.param.function;
    });

}  // namespace
}  // namespace descent::optim
