#include "minimize_command.hpp"

#include <CLI/CLI.hpp>

#include "descent/error.hpp"
#include "descent/functions/test_functions.hpp"
#include "descent/train/minimize_walk.hpp"
#include "descent/util/join.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"
#include "minimize_help.hpp"
#include "optimizer_flags.hpp"

namespace descent::cli {

MinimizeCommand::MinimizeCommand(CLI::App& parent)
    : app_(parent.add_subcommand("minimize", "Gradient descent on a test function or an expression in x, y, z")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  std::vector<std::string> names;
  for (const functions::TestFunction& f : functions::test_functions()) names.emplace_back(f.name);
  // Not ->required(): "-x^2" would then be reported as a missing FUNCTION, where app.cpp's report of the
  // unknown option -x^2 says to put it after --.
  app_->add_option("FUNCTION", function_,
                   "A test function (" + util::join(names) + ") or an expression such as \"x^2 + 3*y^2\"")
      ->type_name("");
  app_->add_option("--optimizer", optimizer_, "The optimizer: " + util::join(optim::optimizer_names()))
      ->type_name("NAME");
  add_optimizer_flags(*app_);
  app_->add_option("--x0", x0_, "The start, one value per variable: --x0 -1.5,2")->type_name("V1,V2,...")->required();
  app_->add_option("--steps", steps_, "Number of optimizer steps, >= 0")->type_name("N")->required();
  app_->add_option("--every", every_, "Print every K-th step only, K >= 1 (default 1)")->type_name("K");
  app_->add_option("--dtype", dtype_, "float32 or float64 (default float64)")->type_name("DTYPE");
  app_->add_option("--trace", trace_path_, "Write the walk to FILE as CSV: step, point, value, gradient norm")
      ->type_name("FILE.csv");
  app_->add_option("--compare", compare_, "Also run this optimizer from --x0 (repeatable): adam:lr=0.05")
      ->type_name("SPEC");
  app_->add_option("--output", output_, "Draw the path(s) into OUT.png or OUT.svg")->type_name("OUT");
  app_->footer(minimize_help());
}

bool MinimizeCommand::selected() const { return app_->parsed(); }

int MinimizeCommand::run(const std::vector<std::string>& args, std::ostream& out) const {
  if (function_.empty())
    throw ConfigError(
        "FUNCTION is required: a test function or an expression, as descent minimize \"x^2\" ...; "
        "run 'descent minimize --help' for usage");
  const functions::Objective f(function_);
  train::MinimizeOptions options{.x0 = parse_numbers_flag("--x0", x0_)};
  try {
    f.check_variables(options.x0.size());
  } catch (const ValueError& e) {
    throw ConfigError("--x0 = " + x0_ + ": " + e.what());
  }
  options.steps = parse_int_flag("--steps", steps_, 0);
  const std::int64_t every = every_ ? parse_int_flag("--every", *every_, 1) : 1;
  if (dtype_) {
    if (*dtype_ != "float32" && *dtype_ != "float64")
      throw ConfigError("--dtype = " + *dtype_ + ": expected float32 or float64");
    options.dtype = *dtype_ == "float32" ? Dtype::Float32 : Dtype::Float64;
  }

  if (!compare_.empty() || output_) {
    if (trace_path_)
      throw ConfigError("--trace records one optimizer's walk; with --compare or --output, draw it instead");
    if (!output_) throw ConfigError("--compare draws its paths: give --output OUT.png or OUT.svg");
    std::vector<optim::OptimizerSpec> specs;
    if (!optimizer_.empty()) specs.push_back(optimizer_spec_from_flags(*app_, optimizer_));
    for (const std::string& text : compare_) specs.push_back(train::parse_optimizer_spec(text, "--compare"));
    if (specs.empty()) throw ConfigError("--output needs --optimizer NAME or --compare SPEC");
    train::compare_walks(f, specs, options, *output_, out);
    return kExitSuccess;
  }
  if (optimizer_.empty())
    throw ConfigError("--optimizer is required: one of " + util::join(optim::optimizer_names()) +
                      " (or --compare SPEC with --output)");
  const optim::OptimizerSpec spec = optimizer_spec_from_flags(*app_, optimizer_);
  if (trace_path_ && trace_path_->empty()) throw ConfigError("--trace = : expected a file name");
  train::print_walk(f, spec, options, {.every = every, .trace_path = trace_path_.value_or(""), .command = args}, out);
  return kExitSuccess;
}

}  // namespace descent::cli
