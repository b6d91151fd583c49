// The test functions: values and gradients at points worked out by hand, a central-difference check of
// each gradient, and each documented minimum (value and a vanishing gradient there).
#include "descent/functions/test_functions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "descent/diagnostics/gradcheck.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::functions {
namespace {

struct Evaluation {
  double value;
  std::vector<double> grad;
};

Evaluation evaluate(std::string_view name, const std::vector<double>& point) {
  const TestFunction* f = find_test_function(name);
  EXPECT_NE(f, nullptr) << name;
  std::vector<Tensor> x;
  for (double v : point) x.push_back(scalar_tensor(v, Dtype::Float64).requires_grad_());
  const Tensor y = f->f(x);
  y.backward();
  Evaluation e{y.item(), {}};
  for (const Tensor& xi : x) e.grad.push_back(xi.grad().item());
  return e;
}

struct KnownPoint {
  const char* name;
  std::vector<double> point;
  double value;
  std::vector<double> grad;
};

TEST(TestFunctions, ValuesAndGradientsAtKnownPoints) {
  const double pi = std::numbers::pi;
  const KnownPoint cases[] = {
      // sum x^2; grad 2x
      {"quadratic", {1, 2, 3}, 14, {2, 4, 6}},
      {"quadratic", {-0.5}, 0.25, {-1}},
      // (1-x)^2 + 100 (y-x^2)^2 at (-1.2, 1): 2.2^2 + 100 * 0.44^2 = 4.84 + 19.36;
      // grad (-2(1-x) - 400x(y-x^2), 200(y-x^2)) = (-4.4 - 211.2, -88)
      {"rosenbrock", {-1.2, 1}, 24.2, {-215.6, -88}},
      {"rosenbrock", {0, 0}, 1, {-2, 0}},
      // at (0, 0): 1.5^2 + 2.25^2 + 2.625^2; grad x: 2 (1.5)(-1) + 2 (2.25)(-1) + 2 (2.625)(-1), grad y: 0
      {"beale", {0, 0}, 14.203125, {-12.75, 0}},
      // at (1, 1): (1.5)^2 + (2.25)^2 + (2.625)^2 again (x y^k = x); grad y: 2 (1.5) + 2 (2.25)(2) + 2 (2.625)(3)
      {"beale", {1, 1}, 14.203125, {0, 27.75}},
      // (x + 2y - 7)^2 + (2x + y - 5)^2 at (0, 0): 49 + 25; grad (2(-7) + 4(-5), 4(-7) + 2(-5))
      {"booth", {0, 0}, 74, {-34, -38}},
      // (x^2 + y - 11)^2 + (x + y^2 - 7)^2 at (0, 0): 121 + 49; grad (4x(.) + 2(-7), 2(-11) + 4y(.))
      {"himmelblau", {0, 0}, 170, {-14, -22}},
      // 10 n + sum (x^2 - 10 cos(2 pi x)); grad 2x + 20 pi sin(2 pi x)
      {"rastrigin", {1, 1}, 2, {2, 2}},
      {"rastrigin", {0.5}, 20.25, {1}},
      {"rastrigin", {0.25, 0}, 10.0625, {0.5 + 20 * pi, 0}},
  };
  for (const KnownPoint& c : cases) {
    const Evaluation e = evaluate(c.name, c.point);
    EXPECT_NEAR(e.value, c.value, 1e-12) << c.name;
    ASSERT_EQ(e.grad.size(), c.grad.size());
    for (std::size_t i = 0; i < c.grad.size(); ++i) EXPECT_NEAR(e.grad[i], c.grad[i], 1e-11) << c.name << " d/dx" << i;
  }
}

TEST(TestFunctions, GradcheckAtAGenericPoint) {
  for (const TestFunction& f : test_functions()) {
    const std::size_t n = f.dimension == 0 ? 3 : f.dimension;
    std::vector<Tensor> x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(scalar_tensor(0.3 + 0.45 * static_cast<double>(i), Dtype::Float64));
    const GradcheckResult r = gradcheck([&f](const std::vector<Tensor>& v) { return f.f(v); }, x);
    EXPECT_TRUE(r.passed) << f.name << "\n" << r.report();
  }
}

TEST(TestFunctions, DocumentedMinimaAreMinima) {
  for (const TestFunction& f : test_functions()) {
    for (std::size_t n : {1, 2, 5}) {
      if (f.dimension != 0 && n != f.dimension) continue;
      const auto minimizers = f.minimizers(n);
      ASSERT_FALSE(minimizers.empty()) << f.name;
      for (const std::vector<double>& m : minimizers) {
        ASSERT_EQ(m.size(), n) << f.name;
        const Evaluation e = evaluate(f.name, m);
        EXPECT_NEAR(e.value, f.minimum, 1e-20) << f.name;
        for (double g : e.grad) EXPECT_NEAR(g, 0, 1e-10) << f.name;
        // A minimum: a step away in any axis direction goes up.
        for (std::size_t i = 0; i < n; ++i)
          for (double h : {-1e-3, 1e-3}) {
            std::vector<double> p = m;
            p[i] += h;
            EXPECT_GT(evaluate(f.name, p).value, e.value) << f.name << " along " << i;
          }
      }
    }
  }
  EXPECT_EQ(find_test_function("himmelblau")->minimizers(2).size(), 4u);
}

TEST(TestFunctions, Lookup) {
  EXPECT_EQ(test_functions().size(), 6u);
  EXPECT_EQ(find_test_function("booth")->dimension, 2u);
  EXPECT_EQ(find_test_function("quadratic")->dimension, 0u);
  EXPECT_EQ(find_test_function("x^2"), nullptr);
  EXPECT_EQ(find_test_function("Rosenbrock"), nullptr);
}

}  // namespace
}  // namespace descent::functions
