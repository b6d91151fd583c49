#pragma once
// What a diagnosis finds (descent doctor, descent train --diagnose): one root cause per finding, named
// from a fixed list (root_causes(), docs/diagnosis.md), with the evidence in numbers and a fix written
// as config keys and their new values.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace descent::diagnostics {

enum class Severity { Problem, Warning };

struct Finding {
  std::string cause;  // one of root_causes()
  Severity severity = Severity::Problem;
  std::string where;      // the config key or parameter it concerns: "optim.lr", "0.weight"
  std::int64_t step = 0;  // the update at which it was named (0: before any)
  std::string evidence;   // what was measured, in words and numbers
  // The fix as config keys (dotted, as error messages name them) and their new values as TOML text
  // ("0.1", "\"relu\"", "true", "[1.0, 2.0]"), which is JSON text too. Empty: no config change fixes it.
  std::vector<std::pair<std::string, std::string>> fix;
  std::string fix_text;  // the fix in words
  // Numbers a config fix is made from: the factor for a setting ("multiply lr by 0.1"), class weights.
  std::vector<double> suggestion;
};

// The causes a finding may name, most specific first: the order in which findings of the same
// severity are listed, so that the root cause comes before the symptoms it produces (an unscaled
// input before the exploding gradient it causes, any named cause before a bare non-finite loss).
std::span<const std::string_view> root_causes();
bool is_root_cause(std::string_view cause);

// Problems before warnings, then in root_causes() order, then earliest step first; one finding per
// cause (the first in that order: a problem before a warning of the same cause).
void order_findings(std::vector<Finding>& findings);
bool is_healthy(const std::vector<Finding>& findings);  // no finding is a problem

// "lr_too_high (problem, optim.lr, step 40): <evidence>\n  fix: <fix_text> (optim.lr = 0.1)".
std::string describe(const Finding& finding);
std::string_view severity_name(Severity severity);  // "problem" | "warning"

}  // namespace descent::diagnostics
