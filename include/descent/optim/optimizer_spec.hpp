#pragma once
// An optimizer named and configured by text, as a config file or the command line gives it:
// {"adam", {{"lr", "0.05"}, {"betas", "0.9,0.999"}, {"amsgrad", "true"}}}. Option names are
// PyTorch's keywords (lr, momentum, dampening, nesterov, weight_decay, maximize, lr_decay,
// initial_accumulator_value, rho, eps, alpha, centered, betas, amsgrad); values are as written.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct OptimizerSpec {
  std::string name;  // lower case: sgd, adagrad, adadelta, rmsprop, adam, adamw
  std::vector<std::pair<std::string, std::string>> options;
};

// The optimizer `spec` describes, over `params`. Throws ValueError naming the optimizer, option or
// value that is unknown or out of range.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, NamedParameters params);

// The option names that optimizer `name` takes; throws ValueError for an unknown optimizer.
std::vector<std::string> optimizer_option_names(const std::string& name);

}  // namespace descent::optim
