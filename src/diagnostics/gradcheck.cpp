#include "descent/diagnostics/gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include "descent/autograd/grad_mode.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/number_text.hpp"
#include "element_check.hpp"

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

  // Numerical Jacobian by central differences, compared entry by entry; an entry whose difference
  // straddles a kink is re-tested with a smaller eps (element_check.hpp).
  GradcheckResult result;
  NoGradGuard no_grad;
  const std::vector<double> f0 = y0.to_vector();
  const diagnostics::ElementTolerance tolerance{.eps = options.eps, .atol = options.atol, .rtol = options.rtol};
  for (std::size_t i = 0; i < x.size(); ++i) {
    InputCheck check;
    double* p = x[i].data<double>();
    for (std::int64_t k = 0; k < x[i].numel(); ++k) {
      const double saved = p[k];
      auto f_at = [&](double delta) {
        p[k] = saved + delta;
        std::vector<double> values = f(x).to_vector();
        p[k] = saved;
        return values;
      };
      const std::vector<double> plus = f_at(options.eps), minus = f_at(-options.eps);
      for (std::int64_t j = 0; j < m; ++j) {
        const auto at = static_cast<std::size_t>(j);
        const double a = analytic[at][i][static_cast<std::size_t>(k)];
        const diagnostics::ElementCheck e = diagnostics::check_element(
            a, f0[at], plus[at], minus[at], [&](double delta) { return f_at(delta)[at]; }, tolerance);
        if (e.verdict == diagnostics::ElementVerdict::AtKink) {
          ++check.at_kink;
          continue;
        }
        if (e.retested) ++check.retested;
        const double n = e.numerical;
        const double abs_err = std::abs(a - n);
        const double scale = std::max(std::abs(a), std::abs(n));
        const double rel_err = scale > 0 ? abs_err / scale : 0.0;
        if (e.verdict == diagnostics::ElementVerdict::Differs) check.passed = false;
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
    check.entries = m * x[i].numel();
    result.passed = result.passed && check.passed;
    result.inputs.push_back(check);
  }
  return result;
}

std::string GradcheckResult::report() const {
  std::string out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const InputCheck& c = inputs[i];
    out += "input " + std::to_string(i) + ": ";
    if (c.entries > 0 && c.at_kink == c.entries) {
      out += "not checked: each of its " + std::to_string(c.entries) + " Jacobian entries sits at a kink\n";
      continue;
    }
    out += std::string(c.passed ? "ok  " : "FAIL") + " max abs error " + util::format_number(c.max_abs_error, ".3e") +
           ", rel " + util::format_number(c.max_rel_error, ".3e") + " at element " +
           std::to_string(c.worst_input_index) + " (output " + std::to_string(c.worst_output_index) + "): analytic " +
           util::format_number(c.analytic, ".10g") + ", numerical " + util::format_number(c.numerical, ".10g");
    if (c.retested > 0) out += "; " + std::to_string(c.retested) + " re-tested with a smaller eps at a kink";
    if (c.at_kink > 0) out += "; " + std::to_string(c.at_kink) + " at a kink left out";
    out += "\n";
  }
  return out;
}

}  // namespace descent
