#include "descent/diagnostics/optimizer_inspection.hpp"

#include <cmath>

#include "descent/util/number_text.hpp"
#include "descent/util/split.hpp"

namespace descent::diagnostics {
namespace {

std::string six_digits(double x) { return util::format_number(x, "g"); }

Finding suspect(std::string cause, const std::string& key, std::string evidence, double fixed, std::string fix_text) {
  Finding f;
  f.cause = std::move(cause);
  f.severity = Severity::Warning;
  f.where = "optim." + key;
  f.evidence = std::move(evidence);
  f.suggestion = {fixed};
  f.fix_text = std::move(fix_text);
  return f;
}

}  // namespace

double optimizer_option(const optim::OptimizerSpec& spec, const std::string& name, std::size_t index) {
  std::string text;
  bool found = false;
  for (const auto& [key, value] : spec.options)
    if (key == name) text = value, found = true;
  if (!found)
    for (const util::OptionInfo& info : optim::optimizer_options(spec.name))
      if (info.name == name) text = info.default_value, found = true;
  if (!found) return NAN;
  const std::vector<std::string> parts = util::split(text, ',');
  if (index >= parts.size()) return NAN;
  try {
    return std::stod(parts[index]);
  } catch (const std::exception&) {
    return NAN;
  }
}

std::vector<Finding> inspect_optimizer(const optim::OptimizerSpec& spec) {
  std::vector<Finding> out;
  const std::string& name = spec.name;
  const double lr = optimizer_option(spec, "lr");
  const double momentum = optimizer_option(spec, "momentum");
  if (momentum >= 0.995)
    out.push_back(suspect("bad_optimizer_setting", "momentum",
                          "momentum = " + six_digits(momentum) + ": a velocity that keeps " +
                              six_digits(100 * momentum) + "% of itself every step multiplies the step by about " +
                              six_digits(1 / (1 - momentum)) + " and takes hundreds of steps to turn",
                          0.9, "use momentum 0.9"));
  if (name == "adam" || name == "adamw") {
    const double beta1 = optimizer_option(spec, "betas", 0), beta2 = optimizer_option(spec, "betas", 1);
    if (beta1 >= 0.995 || beta2 < 0.9 || beta2 <= beta1)
      out.push_back(suspect("bad_optimizer_setting", "betas",
                            "betas = [" + six_digits(beta1) + ", " + six_digits(beta2) +
                                "]: Adam needs a short memory for the mean (beta1 about 0.9) and a long one for the "
                                "square (beta2 about 0.999, above beta1), or its steps swing or stall",
                            NAN, "use betas [0.9, 0.999]"));
    const double eps = optimizer_option(spec, "eps");
    if (eps >= 1e-2)
      out.push_back(suspect("bad_optimizer_setting", "eps",
                            "eps = " + six_digits(eps) +
                                ": where gradients are smaller than eps, Adam's step is lr x gradient / eps, a "
                                "plain gradient step with a tiny learning rate",
                            1e-8, "use eps 1e-8"));
  }
  if (name == "rmsprop") {
    const double alpha = optimizer_option(spec, "alpha");
    if (alpha < 0.9)
      out.push_back(suspect("bad_optimizer_setting", "alpha",
                            "alpha = " + six_digits(alpha) +
                                ": the squared-gradient average forgets within a few steps, so "
                                "each step is close to lr x sign(gradient)",
                            0.99, "use alpha 0.99"));
    const double eps = optimizer_option(spec, "eps");
    if (eps >= 1e-2)
      out.push_back(suspect("bad_optimizer_setting", "eps",
                            "eps = " + six_digits(eps) + ": steps shrink to lr x gradient / eps", 1e-8,
                            "use eps 1e-8"));
  }
  if (name == "adadelta") {
    const double rho = optimizer_option(spec, "rho");
    if (rho < 0.5)
      out.push_back(suspect("bad_optimizer_setting", "rho",
                            "rho = " + six_digits(rho) + ": the running averages forget within a step or two", 0.9,
                            "use rho 0.9"));
  }
  const double decay = optimizer_option(spec, "weight_decay");
  // Decoupled (AdamW) and SGD's L2 shrink the weights by lr x weight_decay each step; Adam's, RMSprop's,
  // Adagrad's and Adadelta's L2 adds weight_decay x w to a gradient they then normalise.
  const bool shrinks = name == "sgd" || name == "adamw";
  if (decay > 0 && ((shrinks && lr * decay >= 1e-3) || (!shrinks && decay >= 0.05)))
    out.push_back(
        suspect("over_regularization", "weight_decay",
                "weight_decay = " + six_digits(decay) +
                    (shrinks ? ": the weights shrink by " + six_digits(100 * lr * decay) + "% every step, halving in " +
                                   six_digits(std::log(0.5) / std::log(1 - lr * decay)) + " steps"
                             : std::string(": the penalty's gradient weight_decay x w rivals the loss's")),
                shrinks ? 1e-4 / std::max(lr, 1e-12) : 5e-4, "a weight decay 100 times smaller, or none"));
  return out;
}

std::vector<Finding> inspect_dropout(const std::vector<std::pair<std::string, double>>& dropout_layers) {
  std::vector<Finding> out;
  for (const auto& [where, p] : dropout_layers)
    if (p >= 0.8) {
      Finding f;
      f.cause = "over_regularization";
      f.severity = Severity::Warning;
      f.where = where;
      f.evidence = "dropout p = " + six_digits(p) + " at layer " + where + ": only " + six_digits(100 * (1 - p)) +
                   "% of the units take part in each step";
      f.suggestion = {0.2};
      f.fix_text = "dropout p 0.2 to 0.5";
      out.push_back(std::move(f));
    }
  return out;
}

}  // namespace descent::diagnostics
