#include "descent/diagnostics/descent_direction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/util/number_text.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "custom_functions_on_path.hpp"
#include "float64_model.hpp"
#include "text_table.hpp"

namespace descent::diagnostics {
namespace {

using Values = std::vector<std::vector<double>>;  // one vector per parameter tensor

void validate(const DescentCheckOptions& o) {
  if (o.probe_factors.empty()) throw ValueError("check_descent_direction: probe_factors is empty: expected at least one");
  for (double f : o.probe_factors)
    if (!(f > 0 && f < 1))
      throw ValueError("check_descent_direction: probe factor " + util::format_number(f, "g") + ": expected 0 < factor < 1");
  if (!(o.rise_tolerance >= 0))
    throw ValueError("check_descent_direction: rise_tolerance = " + util::format_number(o.rise_tolerance, "g") +
                     ": expected >= 0");
}

std::string lr_label(double factor) {
  return factor == 1 ? std::string("configured lr") : "lr x " + util::format_number(factor, "g");
}

std::string lr_with_label(double factor, double lr) { return lr_label(factor) + " (" + util::format_number(lr, "g") + ")"; }

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The model's parameters (float64, contiguous) as plain vectors, and back.
class Parameters {
 public:
  explicit Parameters(const std::vector<std::pair<std::string, Tensor>>& params) : params_(params) {}
  std::size_t size() const { return params_.size(); }
  const std::string& name(std::size_t i) const { return params_[i].first; }
  const Tensor& tensor(std::size_t i) const { return params_[i].second; }

  Values values() const {
    Values out;
    for (const auto& [name, p] : params_) out.push_back(p.to_vector());
    return out;
  }
  void set(std::size_t i, const std::vector<double>& v, const std::vector<double>* plus = nullptr) const {
    double* data = params_[i].second.data<double>();
    for (std::size_t k = 0; k < v.size(); ++k) data[k] = v[k] + (plus ? (*plus)[k] : 0.0);
  }
  void set_all(const Values& v, const Values* plus = nullptr) const {
    for (std::size_t i = 0; i < size(); ++i) set(i, v[i], plus ? &(*plus)[i] : nullptr);
  }

 private:
  const std::vector<std::pair<std::string, Tensor>>& params_;
};

}  // namespace

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::Ok: return "ok";
    case CheckStatus::Warning: return "WARN";
    case CheckStatus::Failure: return "FAIL";
  }
  return "?";
}

DescentCheckResult check_descent_direction(nn::Module& model, const LossFn& loss, const Tensor& inputs,
                                           const Tensor& targets, const OptimizerFactory& make_optimizer,
                                           DescentCheckOptions options) {
  validate(options);
  Float64Model f64(model);
  const Tensor x = as_float64(inputs), y = as_float64(targets);
  const Parameters params(f64.parameters());
  const std::size_t n = params.size();

  DescentCheckResult result;
  Values g;
  std::vector<std::vector<std::string>> suspects_of;  // custom functions above each parameter
  {
    EnableGradGuard grad_on;
    std::vector<Tensor> tensors;
    for (std::size_t i = 0; i < n; ++i) {
      params.tensor(i).set_grad(Tensor());
      tensors.push_back(params.tensor(i));
    }
    const Tensor l = loss(model(x), y);
    result.loss = scalar_loss(l);
    if (l.requires_grad()) l.backward();
    suspects_of = custom_functions_on_path(l, tensors);
    for (std::size_t i = 0; i < n; ++i) {
      const Tensor gi = params.tensor(i).grad();
      g.push_back(gi.defined() ? gi.to_vector() : std::vector<double>(static_cast<std::size_t>(params.tensor(i).numel())));
    }
  }
  const Values theta0 = params.values();
  auto fresh_optimizer = [&] {
    std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(f64.parameters());
    if (!optimizer) throw ValueError("check_descent_direction: the optimizer factory returned no optimizer");
    return optimizer;
  };
  result.lr = fresh_optimizer()->lr();
  if (!(result.lr > 0))
    throw ValueError("check_descent_direction: the optimizer's lr is " + util::format_number(result.lr, "g") +
                     ": expected lr > 0, or no step can be probed");
  const double tolerance = options.rise_tolerance * std::max(1.0, std::abs(result.loss));

  // One step of a fresh optimizer from theta0 with gradient g; returns the update d.
  auto update_at = [&](double lr) {
    params.set_all(theta0);
    for (std::size_t i = 0; i < n; ++i) {
      const Tensor& p = params.tensor(i);
      Tensor grad = Tensor::empty(p.shape(), Dtype::Float64);
      double* gd = grad.data<double>();
      std::copy(g[i].begin(), g[i].end(), gd);
      p.set_grad(grad);
    }
    auto optimizer = fresh_optimizer();
    optimizer->set_lr(lr);
    optimizer->step();
    Values d = params.values();
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < d[i].size(); ++k) d[i][k] -= theta0[i][k];
    params.set_all(theta0);
    return d;
  };
  auto loss_with = [&](const Values& d) {
    params.set_all(theta0, &d);
    const double l = f64.loss(loss, x, y);
    params.set_all(theta0);
    return l - result.loss;
  };

  // The probes in the order given, then the configured step.
  std::vector<double> factors = options.probe_factors;
  const double smallest = *std::min_element(factors.begin(), factors.end());
  factors.push_back(1.0);
  std::vector<std::vector<double>> alone_actual(n);  // per parameter, per probe
  std::vector<double> alone_predicted(n), cosine(n, std::numeric_limits<double>::quiet_NaN());
  bool moved = false;
  for (double factor : factors) {
    StepProbe s;
    s.factor = factor;
    s.lr = result.lr * factor;
    const Values d = update_at(s.lr);
    for (std::size_t i = 0; i < n; ++i) s.predicted += dot(g[i], d[i]);
    s.actual = loss_with(d);
    if (factor == 1) {
      for (const auto& di : d) moved = moved || std::any_of(di.begin(), di.end(), [](double v) { return v != 0; });
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        Values alone(n);
        for (std::size_t j = 0; j < n; ++j) alone[j] = i == j ? d[j] : std::vector<double>(d[j].size(), 0.0);
        alone_actual[i].push_back(loss_with(alone));
        if (factor == smallest) {
          alone_predicted[i] = dot(g[i], d[i]);
          const double norms = std::sqrt(dot(g[i], g[i]) * dot(d[i], d[i]));
          if (norms > 0) cosine[i] = -dot(g[i], d[i]) / norms;
        }
      }
    }
    result.steps.push_back(s);
  }
  const std::size_t probes = options.probe_factors.size();
  std::size_t smallest_index = 0;
  for (std::size_t k = 0; k < probes; ++k)
    if (options.probe_factors[k] == smallest) smallest_index = k;

  // Per parameter: the optimizer's direction, then the gradient's.
  for (std::size_t i = 0; i < n; ++i) {
    ParameterDirection p;
    p.name = params.name(i);
    p.cosine = cosine[i];
    p.predicted = alone_predicted[i];
    p.actual = alone_actual[i][smallest_index];
    const bool rises_always =
        std::all_of(alone_actual[i].begin(), alone_actual[i].end(), [&](double a) { return a > tolerance; });
    const std::string at = lr_with_label(smallest, result.lr * smallest);
    if (p.cosine < 0) {
      p.status = CheckStatus::Failure;
      result.failures.push_back(p.name + ": the update goes uphill: the optimizer moves " + p.name +
                                " along +g instead of -g (cosine " + util::format_number(p.cosine, ".3f") +
                                " between the update and -g), a sign error in the optimizer's update such as maximize = true.");
    } else if (rises_always && p.predicted <= 0) {
      p.status = CheckStatus::Failure;
      result.failures.push_back(p.name + ": the update goes uphill: moving " + p.name + " alone by its update at " + at +
                                " raises the loss by " + util::format_number(p.actual, ".3e") + " where g . d = " +
                                util::format_number(p.predicted, ".3e") +
                                " predicts a fall, so the gradient reaching it points uphill: a sign error in a backward" +
                                suspects(suspects_of[i]) + ".");
    }
    result.parameters.push_back(p);
  }

  // The whole step.
  std::size_t probe_rises = 0;
  for (std::size_t k = 0; k < probes; ++k) probe_rises += result.steps[k].actual > tolerance;
  const bool parameter_failed = !result.failures.empty();
  for (std::size_t k = 0; k < probes; ++k) {
    StepProbe& s = result.steps[k];
    if (!(s.actual > tolerance)) continue;
    const std::string at = lr_with_label(s.factor, s.lr);
    if (probe_rises == probes) {
      s.status = CheckStatus::Failure;
      if (!parameter_failed && k == smallest_index)
        result.failures.push_back("the update goes uphill: one step of every parameter at " + at + " raises the loss by " +
                                  util::format_number(s.actual, ".3e") + " where g . d = " + util::format_number(s.predicted, ".3e") +
                                  " (no single parameter does it alone: the tensors' updates work against each other).");
    } else {
      s.status = CheckStatus::Warning;
      result.warnings.push_back("one step at " + at + " raises the loss by " + util::format_number(s.actual, ".3e") +
                                " although smaller steps lower it: the configured lr is far too large for this batch.");
    }
  }
  StepProbe& configured = result.steps.back();
  if (configured.actual > tolerance) {
    configured.status = CheckStatus::Warning;
    if (result.failures.empty())
      result.warnings.push_back("one step at the configured lr (" + util::format_number(result.lr, "g") +
                                ") raises the loss from " + util::format_number(result.loss, ".6g") + " to " +
                                util::format_number(result.loss + configured.actual, ".6g") +
                                " although smaller steps lower it: the step is too large for this batch (not the wrong "
                                "way); a smaller lr may train better.");
  }
  if (!moved) {
    result.warnings.push_back("the update does not move any parameter: the gradient is zero on this batch.");
  } else if (result.failures.empty()) {
    const StepProbe& s = result.steps[smallest_index];
    const double ratio = s.actual / s.predicted;
    if (s.predicted < -100 * tolerance && (ratio < 0.5 || ratio > 2))
      result.warnings.push_back("at " + lr_with_label(s.factor, s.lr) + " the loss changes by " +
                                util::format_number(ratio, ".3g") +
                                " times what g . d predicts: the gradient's scale is wrong (the gradient check shows where).");
  }
  return result;
}

std::string DescentCheckResult::report() const {
  std::string out = "Descent direction: one step of a fresh optimizer from the same parameters and batch, float64, loss " +
                    util::format_number(loss, ".6g") +
                    "; d = the update, g = the gradient, predicted = g . d, actual = L(theta + d) - L(theta)\n";
  TextTable steps_table({"step", "lr", "predicted", "actual", "actual/predicted", "status"});
  for (const StepProbe& s : steps)
    steps_table.add_row({lr_label(s.factor), util::format_number(s.lr, "g"), util::format_number(s.predicted, ".4e"),
                         util::format_number(s.actual, ".4e"),
                         s.predicted != 0 ? util::format_number(s.actual / s.predicted, ".4g") : "-", to_string(s.status)});
  out += steps_table.str();
  double smallest = 1;
  for (const StepProbe& s : steps) smallest = std::min(smallest, s.factor);
  TextTable parameter_table({"parameter", "cos(d, -g)", "predicted", "actual (alone)", "status"});
  for (const ParameterDirection& p : parameters)
    parameter_table.add_row({p.name, std::isnan(p.cosine) ? "-" : util::format_number(p.cosine, ".4f"),
                             util::format_number(p.predicted, ".4e"), util::format_number(p.actual, ".4e"), to_string(p.status)});
  out += "  each parameter tensor at " + lr_label(smallest) + ":\n" + parameter_table.str();
  for (const std::string& f : failures) out += "  FAILED " + f + "\n";
  for (const std::string& w : warnings) out += "  WARNING " + w + "\n";
  return out;
}

}  // namespace descent::diagnostics
