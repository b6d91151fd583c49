#pragma once
// Both model-level checks on one batch, as `descent check` runs them: the gradient check
// (model_gradcheck.hpp), then the descent-direction check (descent_direction.hpp).
//
//   auto result = diagnostics::check_model(model, loss, x, y, [](const optim::NamedParameters& p) {
//     return std::make_unique<optim::SGD>(p, optim::SGDOptions{.lr = 0.1});
//   });
//   std::cout << result.report();
//   return result.passed() ? 0 : 1;
#include <string>
#include <vector>

#include "descent/diagnostics/descent_direction.hpp"
#include "descent/diagnostics/model_gradcheck.hpp"

namespace descent::diagnostics {

struct ModelCheckOptions {
  ModelGradcheckOptions gradients;
  DescentCheckOptions descent;
};

struct ModelCheckResult {
  ModelGradcheckResult gradients;
  DescentCheckResult descent;

  bool passed() const { return gradients.passed && descent.passed(); }
  std::vector<std::string> failures() const;  // the gradient check's, then the descent check's
  std::string report() const;                 // both reports and a last line, "Result: ..."
};

ModelCheckResult check_model(nn::Module& model, const LossFn& loss, const Tensor& inputs, const Tensor& targets,
                             const OptimizerFactory& make_optimizer, const ModelCheckOptions& options = {});

}  // namespace descent::diagnostics
