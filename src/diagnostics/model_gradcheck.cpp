#include "descent/diagnostics/model_gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "custom_functions_on_path.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/util/number_text.hpp"
#include "element_check.hpp"
#include "float64_model.hpp"
#include "text_table.hpp"

namespace descent::diagnostics {
namespace {

void validate(const ModelGradcheckOptions& o) {
  auto bad = [](const std::string& what) { throw ValueError("gradcheck_model: " + what); };
  if (o.samples < 0) bad("samples = " + std::to_string(o.samples) + ": expected samples >= 0 (0: every element)");
  if (!(o.eps > 0)) bad("eps = " + util::format_number(o.eps, "g") + ": expected eps > 0");
  if (!(o.atol >= 0)) bad("atol = " + util::format_number(o.atol, "g") + ": expected atol >= 0");
  if (!(o.rtol >= 0)) bad("rtol = " + util::format_number(o.rtol, "g") + ": expected rtol >= 0");
}

// The elements to check: all of them, or the largest analytic gradient and samples - 1 drawn at
// random without replacement (a partial Fisher-Yates shuffle).
std::vector<std::int64_t> chosen_elements(const std::vector<double>& analytic, std::int64_t samples, Generator& gen) {
  const auto n = static_cast<std::int64_t>(analytic.size());
  std::vector<std::int64_t> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  if (samples == 0 || samples >= n) return all;
  const auto largest =
      std::max_element(analytic.begin(), analytic.end(), [](double a, double b) { return std::abs(a) < std::abs(b); }) -
      analytic.begin();
  std::swap(all[0], all[static_cast<std::size_t>(largest)]);
  for (std::int64_t i = 1; i < samples; ++i) {
    const auto j = i + static_cast<std::int64_t>(gen.below(static_cast<std::uint64_t>(n - i)));
    std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(j)]);
  }
  all.resize(static_cast<std::size_t>(samples));
  std::sort(all.begin(), all.end());
  return all;
}

// "1/k" when x is close to a whole number k >= 2, else empty.
std::string reciprocal_of_whole(double x) {
  const double k = std::round(x);
  if (k < 2 || std::abs(x - k) > 0.01 * k) return {};
  return "1/" + util::format_number(k, ".0f");
}

// What is wrong with the gradient of c.name, as a sentence without its final period.
std::string diagnosis(const ParameterGradcheck& c, double sum_a2, double sum_n2) {
  const std::string at = " at element " + index_string(c.worst_index, c.shape) + " (analytic " +
                         util::format_number(c.analytic, ".6g") + ", numerical " +
                         util::format_number(c.numerical, ".6g") + ")";
  const std::string& p = c.name;
  if (sum_a2 == 0)
    return p + ": the analytic gradient is zero where the numerical one is not (numerical " +
           util::format_number(c.numerical, ".6g") + " at element " + index_string(c.worst_index, c.shape) +
           "): a backward returns zeros, or the graph never reaches this parameter";
  if (sum_n2 == 0)
    return p + ": the analytic gradient is not zero" + at +
           " although the loss does not change with this parameter: a backward sends gradient where the loss has none";
  if (c.uniform_scale && std::abs(c.scale + 1) < 0.01)
    return p + ": the analytic gradient has the opposite sign of the numerical one" + at +
           ": a sign error in a backward, so a descent step along it goes uphill";
  // a ratio within 1% of 1 is no constant factor: a few elements differ, and the last sentence says so
  if (c.uniform_scale && c.scale > 0 && std::abs(c.scale - 1) > 0.01) {
    std::string cause = "a backward multiplies it by a wrong constant factor";
    if (std::string missing = reciprocal_of_whole(c.scale); !missing.empty()) cause += " (a missing " + missing + "?)";
    else if (std::string extra = reciprocal_of_whole(1 / c.scale); !extra.empty())
      cause += " (an extra " + extra + "?)";
    return p + ": the analytic gradient is " + util::format_number(c.scale, ".4g") + " times the numerical one" + at +
           ": " + cause;
  }
  if (c.uniform_scale && c.scale < 0)
    return p + ": the analytic gradient is " + util::format_number(c.scale, ".4g") + " times the numerical one" + at +
           ": a backward has both the wrong sign and the wrong scale";
  return p + ": the analytic gradient differs from the numerical one by up to " +
         util::format_number(c.max_abs_error, ".3e") + at +
         ": a backward on the path from the loss to this parameter is wrong";
}

void note(KinkElements& kinks, std::int64_t index, double analytic, const ElementCheck& e) {
  if (kinks.count++ > 0) return;
  kinks.first_index = index;
  kinks.analytic = analytic;
  kinks.eps = e.eps;
  kinks.forward = e.forward;
  kinks.backward = e.backward;
}

// One sentence: the diagnosis, then the custom functions between the loss and the parameter.
std::string explain(const ParameterGradcheck& c, double sum_a2, double sum_n2, const std::vector<std::string>& above) {
  return diagnosis(c, sum_a2, sum_n2) + suspects(above) + ".";
}

std::string elements(std::int64_t n) { return std::to_string(n) + (n == 1 ? " element" : " elements"); }

// " (at element [1]: one-sided differences -0.000166 and -0.000163 at eps 1e-06, analytic -0.000166)", of
// the first such element.
std::string kink_example(const KinkElements& k, const Shape& shape, double eps) {
  return " (at element " + index_string(k.first_index, shape) + ": one-sided differences " +
         util::format_number(k.forward, ".6g") + " and " + util::format_number(k.backward, ".6g") + " at eps " +
         util::format_number(eps, "g") + ", analytic " + util::format_number(k.analytic, ".6g") + ")";
}

// A line for each kind of kink a tensor met: elements re-tested at a smaller eps, elements left out.
std::string kink_notes(const ParameterGradcheck& c, double eps) {
  std::string out;
  if (c.retested.count > 0)
    out += "  note " + c.name + ": " + elements(c.retested.count) +
           " re-tested with a smaller eps, as the central difference straddled a kink" +
           kink_example(c.retested, c.shape, eps) + "; compared at eps " + util::format_number(c.retested.eps, "g") +
           "\n";
  if (c.at_kink.count > 0 && !c.unchecked())
    out += "  note " + c.name + ": " + elements(c.at_kink.count) +
           " at a kink left out of the verdict: the one-sided differences still disagree at eps " +
           util::format_number(c.at_kink.eps, "g") + kink_example(c.at_kink, c.shape, eps) + "\n";
  return out;
}

const char* status(const ParameterGradcheck& c) {
  if (!c.passed) return "FAIL";
  return c.unchecked() ? "unchecked" : "ok";
}

}  // namespace

ModelGradcheckResult gradcheck_model(nn::Module& model, const LossFn& loss, const Tensor& inputs, const Tensor& targets,
                                     ModelGradcheckOptions options) {
  validate(options);
  Float64Model f64(model);
  const Tensor x = as_float64(inputs), y = as_float64(targets);

  ModelGradcheckResult result;
  result.options = options;
  std::vector<std::vector<std::string>> suspects_of;  // custom functions above each parameter
  {
    EnableGradGuard grad_on;
    std::vector<Tensor> params;
    for (const auto& [name, p] : f64.parameters()) {
      p.set_grad(Tensor());
      params.push_back(p);
    }
    f64.rewind_randomness();  // the masks of dropout, if any, that every later forward draws too
    const Tensor l = loss(model(x), y);
    result.loss = scalar_loss(l);
    if (l.requires_grad()) l.backward();
    suspects_of = custom_functions_on_path(l, params);
  }

  const double f0 = f64.loss(loss, x, y);
  const ElementTolerance tolerance{.eps = options.eps, .atol = options.atol, .rtol = options.rtol};
  Generator gen(options.seed);
  for (std::size_t index = 0; index < f64.parameters().size(); ++index) {
    const auto& [name, p] = f64.parameters()[index];
    ParameterGradcheck c;
    c.name = name;
    c.shape = p.shape();
    const std::vector<double> analytic =
        p.grad().defined() ? p.grad().to_vector() : std::vector<double>(static_cast<std::size_t>(p.numel()), 0.0);
    double* data = p.data<double>();
    double worst_violation = -1, sum_a2 = 0, sum_n2 = 0, sum_an = 0;
    std::vector<std::pair<double, double>> pairs;
    for (std::int64_t k : chosen_elements(analytic, options.samples, gen)) {
      const double saved = data[k];
      auto loss_at = [&](double delta) {
        data[k] = saved + delta;
        const double value = f64.loss(loss, x, y);
        data[k] = saved;
        return value;
      };
      const double a = analytic[static_cast<std::size_t>(k)];
      const ElementCheck e = check_element(a, f0, loss_at(options.eps), loss_at(-options.eps), loss_at, tolerance);
      ++c.checked;
      if (e.verdict == ElementVerdict::AtKink) {
        note(c.at_kink, k, a, e);
        continue;
      }
      if (e.retested) note(c.retested, k, a, e);
      const double n = e.numerical;
      const double err = std::abs(a - n);
      const double violation = std::isnan(err) ? std::numeric_limits<double>::infinity()
                                               : err / std::max(options.atol + options.rtol * std::abs(n), 1e-300);
      if (e.verdict == ElementVerdict::Differs) c.passed = false;
      c.max_abs_error = std::max(c.max_abs_error, err);
      c.max_rel_error = std::max(c.max_rel_error, err / std::max({std::abs(a), std::abs(n), options.atol, 1e-300}));
      if (violation > worst_violation) {
        worst_violation = violation;
        c.worst_index = k;
        c.analytic = a;
        c.numerical = n;
      }
      sum_a2 += a * a;
      sum_n2 += n * n;
      sum_an += a * n;
      pairs.emplace_back(a, n);
    }
    if (sum_n2 > 0) {
      c.scale = sum_an / sum_n2;
      double residual = 0;
      for (auto [a, n] : pairs) residual += (a - c.scale * n) * (a - c.scale * n);
      c.uniform_scale =
          std::sqrt(residual) <= 0.01 * std::sqrt(sum_a2) + options.atol * std::sqrt(double(pairs.size()));
    }
    if (!c.passed) c.explanation = explain(c, sum_a2, sum_n2, suspects_of[index]);
    result.passed = result.passed && c.passed;
    result.parameters.push_back(std::move(c));
  }
  return result;
}

std::vector<std::string> ModelGradcheckResult::failures() const {
  std::vector<std::string> out;
  for (const auto& c : parameters)
    if (!c.passed) out.push_back(c.explanation);
  return out;
}

std::vector<std::string> ModelGradcheckResult::unchecked() const {
  std::vector<std::string> out;
  for (const auto& c : parameters)
    if (c.unchecked())
      out.push_back(c.name + ": " +
                    (c.checked == 1 ? std::string("its one checked element sits")
                                    : "all " + std::to_string(c.checked) + " checked elements sit") +
                    " at a kink of the loss (a ReLU input at 0, a tie in a max-pool window), where it has one-sided "
                    "derivatives only" +
                    kink_example(c.at_kink, c.shape, options.eps) + ": its gradient could not be checked.");
  return out;
}

std::string ModelGradcheckResult::report() const {
  std::string out = "Gradient check: backward against central differences in float64, loss " +
                    util::format_number(loss, ".6g") + ", eps " + util::format_number(options.eps, "g") + ", " +
                    (options.samples == 0 ? std::string("every element")
                                          : "up to " + std::to_string(options.samples) + " elements per tensor (seed " +
                                                std::to_string(options.seed) + ")") +
                    "; an element passes when |a - n| <= " + util::format_number(options.atol, "g") + " + " +
                    util::format_number(options.rtol, "g") + " |n|\n";
  TextTable table({"parameter", "shape", "checked", "max abs err", "max rel err", "worst element", "analytic",
                   "numerical", "status"});
  for (const auto& c : parameters)
    table.add_row({c.name, to_string(c.shape), std::to_string(c.checked), util::format_number(c.max_abs_error, ".3e"),
                   util::format_number(c.max_rel_error, ".3e"),
                   c.worst_index >= 0 ? index_string(c.worst_index, c.shape) : "-",
                   c.worst_index >= 0 ? util::format_number(c.analytic, ".6g") : "-",
                   c.worst_index >= 0 ? util::format_number(c.numerical, ".6g") : "-", status(c)});
  out += table.str();
  for (const auto& c : parameters) out += kink_notes(c, options.eps);
  for (const std::string& f : failures()) out += "  FAILED " + f + "\n";
  for (const std::string& u : unchecked()) out += "  NOT CHECKED " + u + "\n";
  return out;
}

}  // namespace descent::diagnostics
