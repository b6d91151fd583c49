#pragma once
// The two checks of `descent check` (model_check.hpp) as findings: each parameter whose gradient
// disagrees with central differences is wrong_gradient, an optimizer step that goes uphill is
// uphill_update; a step that rises only at the configured lr stays a warning of the check, not a
// finding (the watch of training judges the lr).
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/diagnostics/model_check.hpp"

namespace descent::diagnostics {

std::vector<Finding> check_findings(const ModelCheckResult& result);

}  // namespace descent::diagnostics
