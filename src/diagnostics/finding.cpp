#include "descent/diagnostics/finding.hpp"

#include <algorithm>
#include <array>

#include "descent/util/join.hpp"

namespace descent::diagnostics {
namespace {

// Causes found before training (a check, the config, the data) come first: they explain what the
// watch of training sees later. Among the dynamic ones, the causes of a failing step (lr, gradients,
// units) come before the slow-progress and generalisation ones; nonfinite is the fallback.
constexpr std::array<std::string_view, 21> kCauses = {"wrong_gradient",      "uphill_update",   "loss_output_mismatch",
                                                      "unscaled_input",      "label_mismatch",  "no_signal",
                                                      "unshuffled_data",     "class_imbalance", "bad_optimizer_setting",
                                                      "over_regularization", "linear_model",    "saturation",
                                                      "exploding_gradient",  "bad_init",        "lr_too_high",
                                                      "lr_too_low",          "dead_relu",       "vanishing_gradient",
                                                      "undertrained",        "overfitting",     "nonfinite"};

std::size_t rank(std::string_view cause) {
  return static_cast<std::size_t>(std::find(kCauses.begin(), kCauses.end(), cause) - kCauses.begin());
}

}  // namespace

std::span<const std::string_view> root_causes() { return kCauses; }

bool is_root_cause(std::string_view cause) { return rank(cause) < kCauses.size(); }

void order_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity == Severity::Problem;
    if (rank(a.cause) != rank(b.cause)) return rank(a.cause) < rank(b.cause);
    return a.step < b.step;
  });
  auto same = [](const Finding& a, const Finding& b) { return a.cause == b.cause; };
  std::vector<Finding> kept;
  for (Finding& f : findings)
    if (std::none_of(kept.begin(), kept.end(), [&](const Finding& k) { return same(k, f); }))
      kept.push_back(std::move(f));
  findings = std::move(kept);
}

bool is_healthy(const std::vector<Finding>& findings) {
  return std::none_of(findings.begin(), findings.end(),
                      [](const Finding& f) { return f.severity == Severity::Problem; });
}

std::string_view severity_name(Severity severity) { return severity == Severity::Problem ? "problem" : "warning"; }

std::string describe(const Finding& f) {
  std::string s = f.cause + " (" + std::string(severity_name(f.severity));
  if (!f.where.empty()) s += ", " + f.where;
  s += ", step " + std::to_string(f.step) + "): " + f.evidence;
  if (!f.fix_text.empty() || !f.fix.empty()) {
    s += "\n  fix: " + f.fix_text;
    std::vector<std::string> keys;
    for (const auto& [key, value] : f.fix) keys.push_back(key + " = " + value);
    if (!keys.empty()) s.append(f.fix_text.empty() ? "(" : " (").append(util::join(keys)).append(")");
  }
  return s;
}

}  // namespace descent::diagnostics
