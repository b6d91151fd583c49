#pragma once
// Descent-direction check: does one step of the optimizer lower the loss? From the same parameters
// and batch it takes one step of a fresh optimizer at probe learning rates (the configured lr times
// 1e-3 and 1e-4) and at the configured lr, and compares the first-order prediction of the change,
// g . d (g the gradient, d the update: parameters after minus before), with the actual change of the
// loss. Per parameter tensor it reports the cosine between d and -g, and the change when that tensor
// alone takes its update.
//
// Training minimizes the loss, so
//   - a negative cosine is a FAILURE: the optimizer moves the parameter uphill (a sign error in its
//     update, or maximize = true), unless the cosine is positive once weight_decay is set to 0: then
//     the decay outweighs the gradient (a WARNING: too much regularization, not a wrong sign);
//   - a loss that rises at every probe lr is a FAILURE: the gradient itself points uphill (a sign
//     error in a backward; the gradient check locates it);
//   - a rise only at the configured lr is a WARNING: the step is too large, not the wrong way.
// Each failure and warning is one sentence naming the parameter (and, for a gradient that points
// uphill, the custom functions between the loss and it).
//
// The optimizer is any: the check takes a factory that makes a fresh one (same kind and options) for
// the parameters it is given, so no state (momentum, Adam's moments) carries over between probes.
//
// The check runs in three parts: the gradient at the starting parameters, the probes (which only
// measure), and the judge (diagnostics/descent_direction_judge.hpp), which alone gives the verdicts.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "descent/diagnostics/loss_fn.hpp"
#include "descent/nn/module.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::diagnostics {

// Makes a fresh optimizer over `params` (the model's parameters, in float64 during the check).
using OptimizerFactory = std::function<std::unique_ptr<optim::Optimizer>(const optim::NamedParameters& params)>;

enum class CheckStatus { Ok, Warning, Failure };
const char* to_string(CheckStatus status);  // "ok", "WARN", "FAIL"

struct DescentCheckOptions {
  std::vector<double> probe_factors = {1e-3, 1e-4};  // probe lr = configured lr * factor, each < 1
  // A change of the loss smaller than this times max(1, |loss|) is rounding, neither rise nor fall.
  double rise_tolerance = 1e-12;
};

// One step of the whole model at one learning rate.
struct StepProbe {
  double factor = 1;  // of the configured lr; 1 is the configured step
  double lr = 0;
  double predicted = 0;  // g . d, the first-order change of the loss
  double actual = 0;     // L(theta + d) - L(theta)
  CheckStatus status = CheckStatus::Ok;
};

// One parameter tensor at the smallest probe lr.
struct ParameterDirection {
  std::string name;
  double cosine = 0;  // between d and -g; NaN when either is zero
  // The same for the update with the optimizer's weight_decay set to 0; NaN when it has none. A
  // negative cosine that turns positive without the decay is the decay outweighing the gradient.
  double cosine_without_decay = std::numeric_limits<double>::quiet_NaN();
  double predicted = 0;  // g . d over this tensor
  double actual = 0;     // the change of the loss when this tensor alone moves by its d
  CheckStatus status = CheckStatus::Ok;
};

struct DescentCheckResult {
  double loss = 0;                             // at the starting parameters, float64
  double lr = 0;                               // the optimizer's configured lr
  std::vector<StepProbe> steps;                // the probes, in the order of probe_factors, then the configured lr
  std::vector<ParameterDirection> parameters;  // in named_parameters() order
  std::vector<std::string> failures;           // one sentence each
  std::vector<std::string> warnings;
  bool passed() const { return failures.empty(); }
  std::string report() const;  // a header line, both tables, then failures and warnings
};

// Runs the check on loss(model(inputs), targets). The model is converted to float64 for the check and
// restored exactly afterwards (dtype, values, gradients). Throws ValueError on bad options, a loss
// that is not a single number, or an optimizer whose lr is not positive.
DescentCheckResult check_descent_direction(nn::Module& model, const LossFn& loss, const Tensor& inputs,
                                           const Tensor& targets, const OptimizerFactory& make_optimizer,
                                           const DescentCheckOptions& options = {});

}  // namespace descent::diagnostics
