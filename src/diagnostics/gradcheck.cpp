#include "descent/diagnostics/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "descent/autograd/grad_mode.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent {
namespace {

std::vector<Tensor> fresh_leaves(const std::vector<Tensor>& inputs) {
  std::vector<Tensor> leaves;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dtype() != Dtype::Float64)
      throw ValueError("gradcheck: input " + std::to_string(i) + " is " + std::string(to_string(inputs[i].dtype())) +
                       "; gradcheck needs float64 inputs");
    Tensor leaf = Tensor::empty(inputs[i].shape(), Dtype::Float64);
    kernels::copy_(leaf, inputs[i]);
    leaves.push_back(leaf.requires_grad_(true));
  }
  return leaves;
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f, const std::vector<Tensor>& inputs,
                          GradcheckOptions options) {
  std::vector<Tensor> x = fresh_leaves(inputs);
  const Tensor y0 = f(x);
  if (y0.dtype() != Dtype::Float64) throw ValueError("gradcheck: the function's output must be float64");
  const std::int64_t m = y0.numel();

  // Analytic Jacobian, one backward per output element: rows[j][input] = d y_j / d input.
  std::vector<std::vector<std::vector<double>>> analytic(static_cast<std::size_t>(m));
  for (std::int64_t j = 0; j < m; ++j) {
    for (auto& xi : x) xi.set_grad(Tensor());
    const Tensor y = f(x);
    if (!y.requires_grad()) {
      for (auto& xi : x) analytic[j].emplace_back(static_cast<std::size_t>(xi.numel()), 0.0);
      continue;
    }
    Tensor seed = zeros(y.shape(), Dtype::Float64);
    seed.data<double>()[j] = 1.0;
    y.backward(seed);
    for (auto& xi : x) {
      const Tensor g = xi.grad();
      analytic[j].push_back(g.defined() ? g.to_vector()
                                        : std::vector<double>(static_cast<std::size_t>(xi.numel()), 0.0));
    }
  }

  // Numerical Jacobian by central differences, compared entry by entry.
  GradcheckResult result;
  NoGradGuard no_grad;
  for (std::size_t i = 0; i < x.size(); ++i) {
    InputCheck check;
    double* p = x[i].data<double>();
    for (std::int64_t k = 0; k < x[i].numel(); ++k) {
      const double saved = p[k];
      p[k] = saved + options.eps;
      const std::vector<double> plus = f(x).to_vector();
      p[k] = saved - options.eps;
      const std::vector<double> minus = f(x).to_vector();
      p[k] = saved;
      for (std::int64_t j = 0; j < m; ++j) {
        const double n = (plus[j] - minus[j]) / (2 * options.eps);
        const double a = analytic[j][i][k];
        const double abs_err = std::abs(a - n);
        const double scale = std::max(std::abs(a), std::abs(n));
        const double rel_err = scale > 0 ? abs_err / scale : 0.0;
        if (!(abs_err <= options.atol + options.rtol * std::abs(n))) check.passed = false;
        if (abs_err > check.max_abs_error || check.worst_input_index < 0 || std::isnan(abs_err)) {
          check.max_abs_error = abs_err;
          check.max_rel_error = rel_err;
          check.worst_input_index = k;
          check.worst_output_index = j;
          check.analytic = a;
          check.numerical = n;
        }
      }
    }
    result.passed = result.passed && check.passed;
    result.inputs.push_back(check);
  }
  return result;
}

std::string GradcheckResult::report() const {
  std::string out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const InputCheck& c = inputs[i];
    char line[256];
    std::snprintf(
        line, sizeof line,
        "input %zu: %s max abs error %.3e, rel %.3e at element %lld (output %lld): analytic %.10g, numerical %.10g\n",
        i, c.passed ? "ok  " : "FAIL", c.max_abs_error, c.max_rel_error, static_cast<long long>(c.worst_input_index),
        static_cast<long long>(c.worst_output_index), c.analytic, c.numerical);
    out += line;
  }
  return out;
}

}  // namespace descent
