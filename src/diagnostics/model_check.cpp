#include "descent/diagnostics/model_check.hpp"

namespace descent::diagnostics {
namespace {

std::string count(std::size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

ModelCheckResult check_model(nn::Module& model, const LossFn& loss, const Tensor& inputs, const Tensor& targets,
                             const OptimizerFactory& make_optimizer, const ModelCheckOptions& options) {
  ModelCheckResult result;
  result.gradients = gradcheck_model(model, loss, inputs, targets, options.gradients);
  result.descent = check_descent_direction(model, loss, inputs, targets, make_optimizer, options.descent);
  return result;
}

std::vector<std::string> ModelCheckResult::failures() const {
  std::vector<std::string> out = gradients.failures();
  out.insert(out.end(), descent.failures.begin(), descent.failures.end());
  return out;
}

std::string ModelCheckResult::report() const {
  // a tensor the gradient check could not check (every element at a kink) is a warning, not a failure
  const std::size_t failed = failures().size(), warned = descent.warnings.size() + gradients.unchecked().size();
  std::string result = "Result: ";
  if (failed)
    result += "FAILED, " + count(failed, "failure") + (warned ? " and " + count(warned, "warning") : "") +
              ", explained above";
  else if (warned) result += "passed, with " + count(warned, "warning") + " above";
  else result += "passed";
  return gradients.report() + "\n" + descent.report() + "\n" + result + ".\n";
}

}  // namespace descent::diagnostics
