// Every optimizer against PyTorch's trajectories: tests/reference/optimizer_trajectories.py ran
// torch.optim (1.13) on three test functions from fixed starts with varied options and wrote every
// point to optimizer_trajectories.json. Here the same options go through make_optimizer, the same
// functions are written with descent's ops, all in float64, and at every step each coordinate must
// agree to 1e-9 relative to max(|x|, 1). The largest error of each optimizer is printed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "descent/descent.hpp"
#include "descent/optim/optimizer_spec.hpp"

namespace descent::optim {
namespace {

Tensor coordinate(const Tensor& x, std::int64_t i) { return x.slice(i, i + 1); }

// f = sum_i w_i (x_i - c_i)^2, w = (1, 10, 0.5), c = (3, -1, 2)
Tensor bowl(const Tensor& x) {
  const Tensor w = tensor({1.0, 10.0, 0.5}, Dtype::Float64), c = tensor({3.0, -1.0, 2.0}, Dtype::Float64);
  return sum(w * pow(x - c, 2.0));
}

// f = (1 - x)^2 + 100 (y - x^2)^2
Tensor banana(const Tensor& v) {
  const Tensor x = coordinate(v, 0), y = coordinate(v, 1);
  return sum(pow(1.0 - x, 2.0) + 100.0 * pow(y - pow(x, 2.0), 2.0));
}

// f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2
Tensor beale(const Tensor& v) {
  const Tensor x = coordinate(v, 0), y = coordinate(v, 1);
  return sum(pow(1.5 - x + x * y, 2.0) + pow(2.25 - x + x * pow(y, 2.0), 2.0) + pow(2.625 - x + x * pow(y, 3.0), 2.0));
}

TEST(OptimizerTrajectory, EveryOptimizerFollowsPyTorch) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/optimizer_trajectories.json");
  ASSERT_TRUE(in) << "missing tests/reference/optimizer_trajectories.json";
  const auto ref = nlohmann::json::parse(in);
  const std::map<std::string, Tensor (*)(const Tensor&)> functions = {
      {"quadratic", bowl}, {"rosenbrock", banana}, {"beale", beale}};

  std::map<std::string, double> worst;  // per optimizer
  std::size_t runs = 0;
  for (const auto& run : ref["runs"]) {
    OptimizerSpec spec{run["optimizer"].get<std::string>(), {}};
    std::string label = spec.name;
    for (const auto& kv : run["options"]) {
      spec.options.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
      label += " " + spec.options.back().first + "=" + spec.options.back().second;
    }
    const std::string fname = run["function"].get<std::string>();
    label += " on " + fname;
    const auto f = functions.at(fname);
    const double sign = run["negate"].get<bool>() ? -1.0 : 1.0;
    const auto start = run["start"].get<std::vector<double>>();
    Tensor x = from_vector(start, Shape{static_cast<std::int64_t>(start.size())}, Dtype::Float64).requires_grad_();
    auto opt = make_optimizer(spec, {{"x", x}});

    double run_worst = 0;
    std::size_t step = 0;
    for (const auto& point : run["trajectory"]) {
      opt->zero_grad();
      (f(x) * sign).backward();
      opt->step();
      ++step;
      const auto expected = point.get<std::vector<double>>();
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const double err =
            std::abs(x.at(static_cast<std::int64_t>(i)) - expected[i]) / std::max(std::abs(expected[i]), 1.0);
        run_worst = std::max(run_worst, err);
        ASSERT_LT(err, 1e-9) << label << ": step " << step << ", coordinate " << i << ": "
                             << x.at(static_cast<std::int64_t>(i)) << " vs PyTorch's " << expected[i];
      }
    }
    worst[spec.name] = std::max(worst[spec.name], run_worst);
    ++runs;
  }
  EXPECT_EQ(runs, 75u);
  for (const auto& [name, err] : worst)
    std::printf("  %-9s largest relative error against PyTorch: %.3g\n", name.c_str(), err);
}

}  // namespace
}  // namespace descent::optim
