#include "descent/diagnostics/check_findings.hpp"

namespace descent::diagnostics {

std::vector<Finding> check_findings(const ModelCheckResult& result) {
  std::vector<Finding> out;
  for (const ParameterGradcheck& p : result.gradients.parameters)
    if (!p.passed) {
      Finding f;
      f.cause = "wrong_gradient";
      f.where = p.name;
      f.evidence = p.explanation;
      f.fix_text = "fix the backward of the function between the loss and " + p.name +
                   " (a hand-written backward is the first suspect)";
      out.push_back(std::move(f));
    }
  for (const std::string& failure : result.descent.failures) {
    Finding f;
    f.cause = "uphill_update";
    f.where = "optim";
    f.evidence = failure;
    f.fix_text = "make the update follow -gradient (maximize = false, or the sign in a hand-written step)";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace descent::diagnostics
