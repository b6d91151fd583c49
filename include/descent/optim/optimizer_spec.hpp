#pragma once
// Optimizers by name, as the config file and the command line give them: a lower-case name and its
// options written as text, the values as the user wrote them.
//   OptimizerSpec spec{"adam", {{"lr", "0.05"}, {"betas", "0.9,0.999"}, {"amsgrad", "true"}}};
//   std::unique_ptr<Optimizer> opt = make_optimizer(spec, model.named_parameters());
// Names: sgd, adagrad, adadelta, rmsprop, adam, adamw. Options: PyTorch's names, as each optimizer's
// header lists them; values are numbers (0.05, 1e-3, 3), flags (true | false) or, for betas, two
// numbers (0.9,0.999). Options not given keep the defaults of the options struct. Every key is
// checked: an unknown one is a ValueError naming it and listing the optimizer's options; a bad value
// is an OptionError naming the key, the value and what is expected ("Adam: betas[0] = 1.5: expected
// 0 <= beta < 1").
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "descent/optim/optimizer.hpp"
#include "descent/optim/option_field.hpp"

namespace descent::optim {

struct OptimizerSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, NamedParameters params);
// Throws what make_optimizer would for these options, building nothing.
void check_optimizer_spec(const OptimizerSpec& spec);

// The optimizer names, in the order above.
std::vector<std::string> optimizer_names();
// The options an optimizer takes, in its options struct's order; ValueError for an unknown name.
std::vector<std::string> optimizer_option_names(const std::string& name);
// The same with each option's kind and default value as text.
std::vector<OptionInfo> optimizer_options(const std::string& name);

}  // namespace descent::optim
