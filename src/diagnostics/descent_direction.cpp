#include "descent/diagnostics/descent_direction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "custom_functions_on_path.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/diagnostics/descent_direction_judge.hpp"
#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/number_text.hpp"
#include "float64_model.hpp"
#include "text_table.hpp"

namespace descent::diagnostics {
namespace {

using Values = std::vector<std::vector<double>>;  // one vector per parameter tensor

void validate(const DescentCheckOptions& o) {
  if (o.probe_factors.empty())
    throw ValueError("check_descent_direction: probe_factors is empty: expected at least one");
  for (double f : o.probe_factors)
    if (!(f > 0 && f < 1))
      throw ValueError("check_descent_direction: probe factor " + util::format_number(f, "g") +
                       ": expected 0 < factor < 1");
  if (!(o.rise_tolerance >= 0))
    throw ValueError("check_descent_direction: rise_tolerance = " + util::format_number(o.rise_tolerance, "g") +
                     ": expected >= 0");
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// cos(d, -g); NaN when either is zero.
double cosine_with_minus(const std::vector<double>& g, const std::vector<double>& d) {
  const double norms = std::sqrt(dot(g, g) * dot(d, d));
  return norms > 0 ? -dot(g, d) / norms : std::numeric_limits<double>::quiet_NaN();
}

// Whether any group of the optimizer has a weight_decay other than 0.
bool has_weight_decay(const optim::Optimizer& optimizer) {
  for (std::size_t group = 0; group < optimizer.num_param_groups(); ++group)
    for (const auto& [name, value] : optimizer.group_options(group))
      if (name == "weight_decay" && value != 0) return true;
  return false;
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

// The loss and its gradient g at the starting parameters, and the custom functions above each parameter.
struct Gradient {
  double loss = 0;
  Values g;
  std::vector<std::vector<std::string>> suspects;
};

Gradient gradient_at_start(nn::Module& model, const LossFn& loss, const Tensor& x, const Tensor& y,
                           const Parameters& params) {
  EnableGradGuard grad_on;
  Gradient start;
  std::vector<Tensor> tensors;
  for (std::size_t i = 0; i < params.size(); ++i) {
    params.tensor(i).set_grad(Tensor());
    tensors.push_back(params.tensor(i));
  }
  const Tensor l = loss(model(x), y);
  start.loss = scalar_loss(l);
  if (l.requires_grad()) l.backward();
  start.suspects = custom_functions_on_path(l, tensors);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Tensor gi = params.tensor(i).grad();
    start.g.push_back(gi.defined() ? gi.to_vector()
                                   : std::vector<double>(static_cast<std::size_t>(params.tensor(i).numel())));
  }
  return start;
}

// One step of a fresh optimizer from the start at each probe factor (in the order given), then at the
// configured lr: g . d against the actual change of the loss for the whole step, and at the probes, per
// parameter tensor, the change when it alone moves; its cosine with -g at the smallest probe. The
// parameters are back at the start afterwards, and no optimizer state outlives its step.
DirectionProbes probe_steps(Float64Model& f64, const LossFn& loss, const Tensor& x, const Tensor& y,
                            const Gradient& start, const OptimizerFactory& make_optimizer,
                            const std::vector<double>& probe_factors) {
  const Parameters params(f64.parameters());
  const std::size_t n = params.size();
  const Values& g = start.g;
  const Values theta0 = params.values();
  // without_decay: the same optimizer with every group's weight_decay set to 0
  auto fresh_optimizer = [&](bool without_decay = false) {
    std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(f64.parameters());
    if (!optimizer) throw ValueError("check_descent_direction: the optimizer factory returned no optimizer");
    if (without_decay)
      for (std::size_t group = 0; group < optimizer->num_param_groups(); ++group)
        optimizer->set_group_option(group, "weight_decay", 0.0);
    return optimizer;
  };
  DirectionProbes probes;
  DescentCheckResult& result = probes.measured;
  result.loss = start.loss;
  result.lr = fresh_optimizer()->lr();
  if (!(result.lr > 0))
    throw ValueError("check_descent_direction: the optimizer's lr is " + util::format_number(result.lr, "g") +
                     ": expected lr > 0, or no step can be probed");

  // One step of a fresh optimizer from theta0 with gradient g; returns the update d.
  auto update_at = [&](double lr, bool without_decay = false) {
    params.set_all(theta0);
    for (std::size_t i = 0; i < n; ++i) {
      const Tensor& p = params.tensor(i);
      Tensor grad = Tensor::empty(p.shape(), Dtype::Float64);
      double* gd = grad.data<double>();
      std::copy(g[i].begin(), g[i].end(), gd);
      p.set_grad(grad);
    }
    auto optimizer = fresh_optimizer(without_decay);
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

  const bool decays = has_weight_decay(*fresh_optimizer());
  std::vector<double> factors = probe_factors;
  const double smallest = *std::min_element(factors.begin(), factors.end());
  factors.push_back(1.0);
  result.parameters.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    result.parameters[i].name = params.name(i);
    result.parameters[i].cosine = std::numeric_limits<double>::quiet_NaN();
    result.parameters[i].cosine_without_decay = std::numeric_limits<double>::quiet_NaN();
  }
  probes.alone_actual.resize(n);
  probes.suspects = start.suspects;
  for (double factor : factors) {
    StepProbe s;
    s.factor = factor;
    s.lr = result.lr * factor;
    const Values d = update_at(s.lr);
    const Values d_without_decay = decays && factor == smallest ? update_at(s.lr, true) : Values();
    for (std::size_t i = 0; i < n; ++i) s.predicted += dot(g[i], d[i]);
    s.actual = loss_with(d);
    if (factor == 1) {
      for (const auto& di : d)
        probes.moved = probes.moved || std::any_of(di.begin(), di.end(), [](double v) { return v != 0; });
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        Values alone(n);
        for (std::size_t j = 0; j < n; ++j) alone[j] = i == j ? d[j] : std::vector<double>(d[j].size(), 0.0);
        probes.alone_actual[i].push_back(loss_with(alone));
        if (factor == smallest) {
          ParameterDirection& p = result.parameters[i];
          p.predicted = dot(g[i], d[i]);
          p.actual = probes.alone_actual[i].back();
          p.cosine = cosine_with_minus(g[i], d[i]);
          if (decays) p.cosine_without_decay = cosine_with_minus(g[i], d_without_decay[i]);
        }
      }
    }
    result.steps.push_back(s);
  }
  return probes;
}

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
                                           const DescentCheckOptions& options) {
  validate(options);
  Float64Model f64(model);
  const Tensor x = as_float64(inputs), y = as_float64(targets);
  f64.rewind_randomness();  // the gradient's forward draws the masks every later forward draws
  const Gradient start = gradient_at_start(model, loss, x, y, Parameters(f64.parameters()));
  DirectionProbes probes = probe_steps(f64, loss, x, y, start, make_optimizer, options.probe_factors);
  return judge_descent_direction(std::move(probes), options.rise_tolerance);
}

std::string DescentCheckResult::report() const {
  std::string out =
      "Descent direction: one step of a fresh optimizer from the same parameters and batch, float64, loss " +
      util::format_number(loss, ".6g") +
      "; d = the update, g = the gradient, predicted = g . d, actual = L(theta + d) - L(theta)\n";
  TextTable steps_table({"step", "lr", "predicted", "actual", "actual/predicted", "status"});
  for (const StepProbe& s : steps)
    steps_table.add_row({probe_label(s.factor), util::format_number(s.lr, "g"), util::format_number(s.predicted, ".4e"),
                         util::format_number(s.actual, ".4e"),
                         s.predicted != 0 ? util::format_number(s.actual / s.predicted, ".4g") : "-",
                         to_string(s.status)});
  out += steps_table.str();
  double smallest = 1;
  for (const StepProbe& s : steps) smallest = std::min(smallest, s.factor);
  TextTable parameter_table({"parameter", "cos(d, -g)", "predicted", "actual (alone)", "status"});
  for (const ParameterDirection& p : parameters)
    parameter_table.add_row({p.name, std::isnan(p.cosine) ? "-" : util::format_number(p.cosine, ".4f"),
                             util::format_number(p.predicted, ".4e"), util::format_number(p.actual, ".4e"),
                             to_string(p.status)});
  out += "  each parameter tensor at " + probe_label(smallest) + ":\n" + parameter_table.str();
  for (const std::string& f : failures) out += "  FAILED " + f + "\n";
  for (const std::string& w : warnings) out += "  WARNING " + w + "\n";
  return out;
}

}  // namespace descent::diagnostics
