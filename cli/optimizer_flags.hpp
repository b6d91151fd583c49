#pragma once
// The optimizer flags of `descent minimize` (--lr, --momentum, --betas, ...): every option of every
// optimizer, spelled as PyTorch's keyword with '-' for '_', each passed on to optim::make_optimizer by
// that keyword. Which optimizer takes which is the factory's to say (optim::optimizer_option_names).
#include <string>

#include "descent/optim/optimizer_spec.hpp"

namespace CLI {
class App;
}

namespace descent::cli {

// Adds every optimizer flag to `app`.
void add_optimizer_flags(CLI::App& app);
// `name` and the optimizer flags given on `app`, as the factory takes them: {"betas", "0.9,0.999"}.
// Throws ConfigError for an unknown optimizer or a flag it does not take.
optim::OptimizerSpec optimizer_spec_from_flags(const CLI::App& app, const std::string& name);
// "Optimizers (...):" and a line per optimizer with the flags it takes, for --help.
std::string optimizers_help();

}  // namespace descent::cli
