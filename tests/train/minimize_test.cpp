// minimize: the walk's bookkeeping (step 0 is the start; each point carries the value and gradient
// there), PyTorch's walks on the test functions (tests/reference/minimize_walks.py wrote
// minimize_walks.json), convergence to the documented minima, float32, and each bad input.
#include "descent/train/minimize.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <fstream>

#include "descent/error.hpp"

namespace descent::train {
namespace {

using functions::Objective;

optim::OptimizerSpec sgd(double lr, std::vector<std::pair<std::string, std::string>> more = {}) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, lr);
  more.insert(more.begin(), {"lr", std::string(buf, r.ptr)});
  return {.name = "sgd", .options = more};
}

std::vector<MinimizePoint> walk(const Objective& f, const optim::OptimizerSpec& spec, MinimizeOptions options) {
  std::vector<MinimizePoint> points;
  const MinimizePoint last = minimize(f, spec, options, [&](const MinimizePoint& p) { points.push_back(p); });
  EXPECT_EQ(last.step, points.back().step);
  EXPECT_EQ(last.x, points.back().x);
  return points;
}

TEST(Minimize, StepZeroIsTheStartAndEachPointCarriesItsValueAndGradient) {
  const auto points = walk(Objective("x^2 + 3*y^2"), sgd(0.1), {.x0 = {3, -1}, .steps = 4});
  ASSERT_EQ(points.size(), 5u);
  for (std::size_t k = 0; k < points.size(); ++k) {
    const MinimizePoint& p = points[k];
    EXPECT_EQ(p.step, static_cast<std::int64_t>(k));
    const double x = p.x[0], y = p.x[1];
    EXPECT_DOUBLE_EQ(p.loss, x * x + 3 * y * y);
    EXPECT_DOUBLE_EQ(p.grad[0], 2 * x);
    EXPECT_DOUBLE_EQ(p.grad[1], 6 * y);
    EXPECT_DOUBLE_EQ(p.grad_norm, std::hypot(2 * x, 6 * y));
    if (k > 0) {  // plain SGD: x_k = x_{k-1} - lr grad_{k-1}
      EXPECT_DOUBLE_EQ(p.x[0], points[k - 1].x[0] - 0.1 * points[k - 1].grad[0]);
      EXPECT_DOUBLE_EQ(p.x[1], points[k - 1].x[1] - 0.1 * points[k - 1].grad[1]);
    }
  }
  EXPECT_EQ(points[0].x, (std::vector<double>{3, -1}));
}

TEST(Minimize, ZeroStepsEvaluatesTheStartOnly) {
  const auto points = walk(Objective("booth"), sgd(0.1), {.x0 = {0, 0}, .steps = 0});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].loss, 74);
  EXPECT_EQ(points[0].grad, (std::vector<double>{-34, -38}));
}

TEST(Minimize, AnUnusedVariableHasZeroGradientAndStaysPut) {
  const auto points = walk(Objective("x^2"), sgd(0.1, {{"weight_decay", "0.5"}}), {.x0 = {1, 2}, .steps = 3});
  for (const MinimizePoint& p : points) {
    EXPECT_EQ(p.grad[1], 0);
    EXPECT_EQ(p.x[1], 2);  // as PyTorch, a parameter without a gradient is skipped, weight decay and all
  }
  const auto constant = walk(Objective("5"), sgd(0.1), {.x0 = {1}, .steps = 2});
  EXPECT_EQ(constant.back().x[0], 1);
  EXPECT_EQ(constant.back().loss, 5);
}

TEST(Minimize, MatchesPyTorchWalks) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/minimize_walks.json");
  ASSERT_TRUE(in) << "missing tests/reference/minimize_walks.json";
  for (const auto& c : nlohmann::json::parse(in)) {
    optim::OptimizerSpec spec{.name = "sgd", .options = {}};
    for (const auto& [key, value] : c["options"].items()) {
      std::string text;
      if (value.is_boolean()) text = value.get<bool>() ? "true" : "false";
      else {
        char buf[64];
        text.assign(buf, std::to_chars(buf, buf + sizeof buf, value.get<double>()).ptr);
      }
      spec.options.emplace_back(key, text);
    }
    const std::string name = c["function"];
    const auto points = walk(Objective(name), spec, {.x0 = c["x0"], .steps = c["steps"]});
    const auto& ref = c["walk"];
    ASSERT_EQ(points.size(), ref.size()) << name;
    double worst = 0;
    for (std::size_t k = 0; k < points.size(); ++k) {
      auto rel = [](double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); };
      worst = std::max(worst, rel(points[k].loss, ref[k]["loss"].get<double>()));
      for (std::size_t i = 0; i < 2; ++i) {
        worst = std::max(worst, rel(points[k].x[i], ref[k]["x"][i].get<double>()));
        worst = std::max(worst, rel(points[k].grad[i], ref[k]["grad"][i].get<double>()));
      }
    }
    EXPECT_LT(worst, 1e-13) << name << ": largest relative difference from PyTorch " << worst;
  }
}

TEST(Minimize, ReachesTheDocumentedMinima) {
  struct Case {
    const char* name;
    std::vector<double> x0;
    optim::OptimizerSpec spec;
    std::int64_t steps;
  };
  const Case cases[] = {
      {"quadratic", {1, -2, 3, -4, 5}, sgd(0.1), 200},
      {"booth", {-3, 4}, sgd(0.05), 300},
      {"rosenbrock", {-1.5, 2}, sgd(0.001, {{"momentum", "0.9"}}), 5000},
      {"beale", {1, 1}, sgd(0.01, {{"momentum", "0.5"}, {"nesterov", "true"}}), 5000},
      {"himmelblau", {0, 0}, sgd(0.01), 500},
      {"rastrigin", {0.3, -0.2, 0.1}, sgd(0.001), 2000},  // inside the basin of the origin
  };
  for (const Case& c : cases) {
    const MinimizePoint last = minimize(Objective(c.name), c.spec, {.x0 = c.x0, .steps = c.steps});
    const auto minima = functions::find_test_function(c.name)->minimizers(c.x0.size());
    double nearest = INFINITY;
    for (const auto& m : minima) {
      double d = 0;
      for (std::size_t i = 0; i < m.size(); ++i) d = std::max(d, std::abs(last.x[i] - m[i]));
      nearest = std::min(nearest, d);
    }
    EXPECT_LT(nearest, 1e-4) << c.name;
    EXPECT_LT(last.loss, 1e-8) << c.name;
  }
}

TEST(Minimize, Float32RunsInFloat32) {
  const auto points = walk(Objective("x^2 + y^2"), sgd(0.1), {.x0 = {0.1, 3}, .steps = 5, .dtype = Dtype::Float32});
  for (const MinimizePoint& p : points) {
    for (double v : p.x) EXPECT_EQ(static_cast<double>(static_cast<float>(v)), v);
    EXPECT_EQ(static_cast<double>(static_cast<float>(p.loss)), p.loss);
    EXPECT_EQ(static_cast<double>(static_cast<float>(p.grad_norm)), p.grad_norm);
  }
  EXPECT_EQ(points[0].x[0], static_cast<double>(0.1f));
}

std::string error_for(const std::string& function, const optim::OptimizerSpec& spec, const MinimizeOptions& options) {
  try {
    minimize(Objective(function), spec, options);
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ValueError";
  return {};
}

TEST(Minimize, BadInputs) {
  EXPECT_EQ(error_for("rosenbrock", sgd(0.1), {.x0 = {1}, .steps = 1}), "rosenbrock takes 2 variables (x, y), got 1");
  EXPECT_EQ(error_for("x", sgd(0.1), {.x0 = {1}, .steps = -1}), "minimize: steps = -1: expected steps >= 0");
  EXPECT_EQ(error_for("x", sgd(0.1), {.x0 = {1}, .steps = 1, .dtype = Dtype::Int64}),
            "minimize: dtype int64: expected float32 or float64");
  EXPECT_NE(error_for("x", {.name = "nope", .options = {}}, {.x0 = {1}, .steps = 1}).find("nope"), std::string::npos);
  EXPECT_NE(error_for("x", sgd(-0.1), {.x0 = {1}, .steps = 1}).find("lr >= 0"), std::string::npos);
}

}  // namespace
}  // namespace descent::train
