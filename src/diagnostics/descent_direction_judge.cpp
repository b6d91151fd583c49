#include "descent/diagnostics/descent_direction_judge.hpp"

#include <algorithm>
#include <cmath>

#include "custom_functions_on_path.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics {
namespace {

std::string lr_with_label(double factor, double lr) {
  return probe_label(factor) + " (" + util::format_number(lr, "g") + ")";
}

// The index among the probes (not the configured step) of the smallest factor, the last when several tie.
std::size_t smallest_probe(const std::vector<StepProbe>& steps, std::size_t probes) {
  std::size_t smallest = 0;
  for (std::size_t k = 0; k < probes; ++k)
    if (steps[k].factor <= steps[smallest].factor) smallest = k;
  return smallest;
}

// Per parameter: the optimizer's direction, then the gradient's.
void judge_parameters(const DirectionProbes& probes, const StepProbe& smallest, double tolerance,
                      DescentCheckResult& result) {
  for (std::size_t i = 0; i < result.parameters.size(); ++i) {
    ParameterDirection& p = result.parameters[i];
    const std::vector<double>& alone = probes.alone_actual[i];
    const bool rises_always = std::all_of(alone.begin(), alone.end(), [&](double a) { return a > tolerance; });
    const std::string at = lr_with_label(smallest.factor, smallest.lr);
    if (p.cosine < 0 && p.cosine_without_decay >= 0) {
      p.status = CheckStatus::Warning;
      result.warnings.push_back(
          p.name + ": the update moves " + p.name + " against -g (cosine " + util::format_number(p.cosine, ".3f") +
          ") only through weight decay (cosine " + util::format_number(p.cosine_without_decay, ".3f") +
          " without it): the decay outweighs the gradient, and a smaller weight_decay lets the data move it.");
    } else if (p.cosine < 0) {
      p.status = CheckStatus::Failure;
      result.failures.push_back(
          p.name + ": the update goes uphill: the optimizer moves " + p.name + " along +g instead of -g (cosine " +
          util::format_number(p.cosine, ".3f") +
          " between the update and -g), a sign error in the optimizer's update such as maximize = true.");
    } else if (rises_always && p.predicted <= 0) {
      p.status = CheckStatus::Failure;
      result.failures.push_back(
          p.name + ": the update goes uphill: moving " + p.name + " alone by its update at " + at +
          " raises the loss by " + util::format_number(p.actual, ".3e") +
          " where g . d = " + util::format_number(p.predicted, ".3e") +
          " predicts a fall, so the gradient reaching it points uphill: a sign error in a backward" +
          suspects(probes.suspects[i]) + ".");
    }
  }
}

// The whole step at each probe lr, then at the configured lr.
void judge_steps(std::size_t smallest_index, double tolerance, DescentCheckResult& result) {
  const std::size_t probes = result.steps.size() - 1;
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
        result.failures.push_back(
            "the update goes uphill: one step of every parameter at " + at + " raises the loss by " +
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
}

}  // namespace

std::string probe_label(double factor) {
  return factor == 1 ? std::string("configured lr") : "lr x " + util::format_number(factor, "g");
}

DescentCheckResult judge_descent_direction(DirectionProbes probes, double rise_tolerance) {
  DescentCheckResult result = std::move(probes.measured);
  const double tolerance = rise_tolerance * std::max(1.0, std::abs(result.loss));
  const std::size_t smallest_index = smallest_probe(result.steps, result.steps.size() - 1);
  judge_parameters(probes, result.steps[smallest_index], tolerance, result);
  judge_steps(smallest_index, tolerance, result);
  if (!probes.moved) {
    result.warnings.push_back("the update does not move any parameter: the gradient is zero on this batch.");
  } else if (result.failures.empty()) {
    const StepProbe& s = result.steps[smallest_index];
    const double ratio = s.actual / s.predicted;
    if (s.predicted < -100 * tolerance && (ratio < 0.5 || ratio > 2))
      result.warnings.push_back(
          "at " + lr_with_label(s.factor, s.lr) + " the loss changes by " + util::format_number(ratio, ".3g") +
          " times what g . d predicts: the gradient's scale is wrong (the gradient check shows where).");
  }
  return result;
}

}  // namespace descent::diagnostics
