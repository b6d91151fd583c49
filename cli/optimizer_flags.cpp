#include "optimizer_flags.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <string_view>

#include "descent/error.hpp"
#include "descent/util/join.hpp"

namespace descent::cli {
namespace {

struct OptimizerFlag {
  std::string_view flag;
  std::string_view option;
  std::string_view value;  // the value's name in --help; empty for a switch ("true" when given)
  std::string_view help;
};

constexpr std::array<OptimizerFlag, 14> kOptimizerFlags = {{
    {"--lr", "lr", "LR", "Learning rate, >= 0 (all)"},
    {"--momentum", "momentum", "M", "Momentum factor (sgd, rmsprop)"},
    {"--dampening", "dampening", "D", "Dampening of momentum, 0 to 1 (sgd)"},
    {"--nesterov", "nesterov", "", "Nesterov momentum; needs --momentum > 0 and no dampening (sgd)"},
    {"--weight-decay", "weight_decay", "WD", "L2 penalty added to the gradient; decoupled in adamw (all)"},
    {"--maximize", "maximize", "", "Climb the function instead of descending it (all)"},
    {"--lr-decay", "lr_decay", "D", "Learning rate decay (adagrad)"},
    {"--initial-accumulator-value", "initial_accumulator_value", "V",
     "Starting value of the sum of squared gradients (adagrad)"},
    {"--rho", "rho", "RHO", "Decay of the running averages (adadelta)"},
    {"--eps", "eps", "EPS", "Term added to the denominator (adagrad, adadelta, rmsprop, adam, adamw)"},
    {"--alpha", "alpha", "A", "Smoothing constant of the squared-gradient average (rmsprop)"},
    {"--centered", "centered", "", "Divide by the gradient's estimated variance (rmsprop)"},
    {"--betas", "betas", "B1,B2", "Decays of the gradient and squared-gradient averages (adam, adamw)"},
    {"--amsgrad", "amsgrad", "", "Keep the largest squared-gradient average: AMSGrad (adam, adamw)"},
}};

std::vector<std::string> flags_for(const std::vector<std::string>& options) {
  std::vector<std::string> flags;
  for (std::string flag : options) {
    std::replace(flag.begin(), flag.end(), '_', '-');
    flags.push_back("--" + flag);
  }
  return flags;
}

}  // namespace

void add_optimizer_flags(CLI::App& app) {
  for (const OptimizerFlag& f : kOptimizerFlags) {
    if (f.value.empty()) app.add_flag(std::string(f.flag))->description(std::string(f.help));
    else app.add_option(std::string(f.flag))->description(std::string(f.help))->type_name(std::string(f.value));
  }
}

optim::OptimizerSpec optimizer_spec_from_flags(const CLI::App& app, const std::string& name) {
  const std::vector<std::string> names = optim::optimizer_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw ConfigError("--optimizer = " + name + ": expected one of " + util::join(names));
  const std::vector<std::string> allowed = optim::optimizer_option_names(name);
  optim::OptimizerSpec spec{.name = name, .options = {}};
  for (const OptimizerFlag& f : kOptimizerFlags) {
    const CLI::Option* opt = app.get_option(std::string(f.flag));
    if (opt->count() == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), f.option) == allowed.end())
      throw ConfigError(std::string(f.flag) + " is not an option of " + name + " (" + name + " takes " +
                        util::join(flags_for(allowed)) + ")");
    std::string value = f.value.empty() ? (opt->as<bool>() ? "true" : "false") : opt->as<std::string>();
    spec.options.emplace_back(std::string(f.option), std::move(value));
  }
  return spec;  // the values are the factory's to check
}

std::string optimizers_help() {
  std::string text = "Optimizers (as torch.optim; options left out keep their defaults):\n";
  for (const std::string& name : optim::optimizer_names()) {
    std::string line = "  " + name + ":";
    line.resize(13, ' ');
    text += line + util::join(flags_for(optim::optimizer_option_names(name)), " ") + "\n";
  }
  return text;
}

}  // namespace descent::cli
