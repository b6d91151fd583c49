#include "minimize_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include "descent/diagnostics/plot.hpp"
#include "descent/error.hpp"
#include "trace_figures.hpp"
#include "descent/functions/objective.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/minimize.hpp"
#include "descent/train/trajectory_csv.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"

namespace descent::cli {
namespace {

// Every option of every optimizer, spelled as PyTorch's keyword with '-' for '_'. Each is passed on to
// optim::make_optimizer by that keyword; which optimizer takes which is the factory's to say
// (optim::optimizer_option_names), so a new optimizer needs no change here.
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

constexpr std::array<std::string_view, 6> kOptimizers = {"sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw"};

std::string flag_for(std::string_view option) {
  std::string flag = "--" + std::string(option);
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

template <class Range>
std::string joined(const Range& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + std::string(item);
  return out;
}

// The optimizers and the flags each takes, as the factory reports them.
std::string optimizers_help() {
  std::string text = "Optimizers (as torch.optim; options left out keep their defaults):\n";
  for (std::string_view name : kOptimizers) {
    std::string line = "  " + std::string(name) + ":";
    line.resize(13, ' ');
    try {
      std::vector<std::string> flags;
      for (const std::string& option : optim::optimizer_option_names(std::string(name)))
        flags.push_back(flag_for(option));
      text += line + joined(flags, " ") + "\n";
    } catch (const Error&) {
      text += line + "not in this build\n";
    }
  }
  return text;
}

std::string test_functions_help() {
  std::string text = "Test functions (their global minima, where every run should end up):\n";
  for (const functions::TestFunction& f : functions::test_functions()) {
    std::string line = "  " + std::string(f.name);
    line.resize(14, ' ');
    line += std::string(f.formula) + (f.dimension == 0 ? ", any number of variables" : "");
    text += line + "\n";
  }
  text +=
      "  Minima: f = 0 at the origin (quadratic, rastrigin), (1, 1) (rosenbrock), (3, 0.5) (beale), (1, 3) (booth),\n"
      "  and (3, 2), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848127) (himmelblau).\n";
  return text;
}

constexpr const char* kAbout =
    "What it does:\n"
    "  Starts at --x0 and takes --steps steps of the optimizer on FUNCTION, whose gradient comes from\n"
    "  backpropagation through the same ops and optimizer code that train networks. It prints the point,\n"
    "  the value f and the gradient at each step (every K-th with --every K), then the final point.\n"
    "\n"
    "FUNCTION:\n"
    "  The name of a test function, or an expression in x, y, z with + - * / ^, parentheses, numbers (2,\n"
    "  0.5, 1e-3), the constant pi and the functions exp log sqrt sin cos tanh sigmoid abs. ^ is right-\n"
    "  associative and binds tighter than a leading minus: -x^2 = -(x^2), 2^3^2 = 2^9. The variables are\n"
    "  x, y, z in that order, as many as --x0 has values (an expression that uses y needs two). Quote the\n"
    "  expression for the shell; one that starts with '-' goes in parentheses, \"(-x^2)\", or after --.\n"
    "\n";

constexpr const char* kTraceHelp =
    "Trace (--trace FILE.csv):\n"
    "  CSV (RFC 4180, CRLF line ends) after '#' lines recording the command. Header step,<variables>,loss,\n"
    "  grad_norm (e.g. step,x,y,loss,grad_norm); row k is the point after k steps (step 0 is --x0) with the\n"
    "  value and the gradient's norm there. Numbers have 17 significant digits in float64 and 9 in float32,\n"
    "  so they read back exactly. The file appears whole when the run ends (written aside, then renamed).\n"
    "\n"
    "Comparing optimizers (--compare SPEC, repeated, with --output OUT.png|OUT.svg):\n"
    "  Each SPEC is an optimizer name and its options, separated by ':', as adam:lr=0.05:betas=0.9,0.999 or\n"
    "  sgd:lr=0.002:momentum=0.9:nesterov=true. All start at --x0; their paths are drawn in one picture,\n"
    "  over the function's contour lines (two variables) or along its curve (one). --output alone draws\n"
    "  the --optimizer's path.\n"
    "\n"
    "Examples:\n"
    "  descent minimize \"x^2\" --optimizer sgd --lr 0.1 --x0 3 --steps 50\n"
    "  descent minimize rosenbrock --x0 -1.5,2 --steps 500 --compare sgd:lr=0.001:momentum=0.9 \\\n"
    "      --compare adam:lr=0.05 --output paths.png\n"
    "  descent minimize rosenbrock --optimizer sgd --lr 0.001 --momentum 0.9 --x0 -1.5,2 --steps 2000 --every 100\n"
    "  descent minimize \"(x - 1)^2 + 10*sin(y)^2\" --optimizer adam --lr 0.05 --betas 0.9,0.999 --x0 -1,2 \\\n"
    "      --steps 300 --trace walk.csv\n"
    "\n";

// For reading on a terminal: float32 numbers in full (the shortest text that reads back the same, at
// most 9 digits), float64 ones to 10 significant digits (the trace has all 17): 2.4, 1.2288, 0.9334756821.
std::string readable(double value, Dtype dtype) {
  char buf[64];
  const auto result = dtype == Dtype::Float32
                          ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(value))
                          : std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 10);
  return std::string(buf, result.ptr);
}

// "x = 3" for one variable, "(x, y) = (3, -1)" for more.
std::string point_text(const std::vector<std::string>& names, const std::vector<double>& values, Dtype dtype) {
  std::vector<std::string> numbers;
  for (double v : values) numbers.push_back(readable(v, dtype));
  if (names.size() == 1) return names[0] + " = " + numbers[0];
  return "(" + joined(names) + ") = (" + joined(numbers) + ")";
}

std::string vector_text(const std::vector<double>& values, Dtype dtype) {
  std::vector<std::string> numbers;
  for (double v : values) numbers.push_back(readable(v, dtype));
  return values.size() == 1 ? numbers[0] : "(" + joined(numbers) + ")";
}

// `arg` as a POSIX shell reads it back: bare when safe, else in single quotes.
std::string shell_quoted(const std::string& arg) {
  const bool safe = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                           "0123456789_-+=.,/:@%") == std::string::npos;
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<double> parse_point(const std::string& text) {
  std::vector<double> values;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = std::string_view(text).substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size())
      throw ConfigError("--x0 = " + text + ": expected numbers separated by commas, as --x0 -1.5,2");
    values.push_back(v);
    if (comma == text.size()) return values;
    start = comma + 1;
  }
}

}  // namespace

MinimizeCommand::MinimizeCommand(CLI::App& parent)
    : app_(parent.add_subcommand("minimize", "Gradient descent on a test function or an expression in x, y, z")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  std::string names;
  for (const functions::TestFunction& f : functions::test_functions())
    names += (names.empty() ? "" : ", ") + std::string(f.name);
  // Not ->required(): "-x^2" would then be reported as a missing FUNCTION, where app.cpp's report of the
  // unknown option -x^2 says to put it after --.
  app_->add_option("FUNCTION", function_, "A test function (" + names + ") or an expression such as \"x^2 + 3*y^2\"")
      ->type_name("");
  app_->add_option("--optimizer", optimizer_, "The optimizer: " + joined(kOptimizers))->type_name("NAME");
  for (const OptimizerFlag& f : kOptimizerFlags) {
    if (f.value.empty()) app_->add_flag(std::string(f.flag))->description(std::string(f.help));
    else app_->add_option(std::string(f.flag))->description(std::string(f.help))->type_name(std::string(f.value));
  }
  app_->add_option("--x0", x0_, "The start, one value per variable: --x0 -1.5,2")->type_name("V1,V2,...")->required();
  app_->add_option("--steps", steps_, "Number of optimizer steps, >= 0")->type_name("N")->required();
  app_->add_option("--every", every_, "Print every K-th step only, K >= 1 (default 1)")->type_name("K");
  app_->add_option("--dtype", dtype_, "float32 or float64 (default float64)")->type_name("DTYPE");
  app_->add_option("--trace", trace_path_, "Write the walk to FILE as CSV: step, point, value, gradient norm")
      ->type_name("FILE.csv");
  app_->add_option("--compare", compare_, "Also run this optimizer from --x0 (repeatable): adam:lr=0.05")
      ->type_name("SPEC");
  app_->add_option("--output", output_, "Draw the path(s) into OUT.png or OUT.svg")->type_name("OUT");
  app_->footer(kAbout + test_functions_help() + "\n" + optimizers_help() + "\n" + kTraceHelp +
               std::string(kExitStatusHelp));
}

bool MinimizeCommand::selected() const { return app_->parsed(); }

optim::OptimizerSpec MinimizeCommand::optimizer_spec() const {
  if (std::find(kOptimizers.begin(), kOptimizers.end(), optimizer_) == kOptimizers.end())
    throw ConfigError("--optimizer = " + optimizer_ + ": expected one of " + joined(kOptimizers));
  const std::vector<std::string> allowed = optim::optimizer_option_names(optimizer_);
  optim::OptimizerSpec spec{.name = optimizer_, .options = {}};
  for (const OptimizerFlag& f : kOptimizerFlags) {
    const CLI::Option* opt = app_->get_option(std::string(f.flag));
    if (opt->count() == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), f.option) == allowed.end()) {
      std::vector<std::string> flags;
      for (const std::string& option : allowed) flags.push_back(flag_for(option));
      throw ConfigError(std::string(f.flag) + " is not an option of " + optimizer_ + " (" + optimizer_ + " takes " +
                        joined(flags) + ")");
    }
    std::string value = f.value.empty() ? (opt->as<bool>() ? "true" : "false") : opt->as<std::string>();
    spec.options.emplace_back(std::string(f.option), std::move(value));
  }
  return spec;  // the values are the factory's to check
}

int MinimizeCommand::run(const std::vector<std::string>& args, std::ostream& out) const {
  if (function_.empty())
    throw ConfigError("FUNCTION is required: a test function or an expression, as descent minimize \"x^2\" ...; "
                      "run 'descent minimize --help' for usage");
  const functions::Objective f(function_);

  const std::vector<double> x0 = parse_point(x0_);
  try {
    f.check_variables(x0.size());
  } catch (const ValueError& e) {
    throw ConfigError("--x0 = " + x0_ + ": " + e.what());
  }
  train::MinimizeOptions options{.x0 = x0, .steps = parse_int_flag("--steps", steps_, 0)};
  const std::int64_t every = every_ ? parse_int_flag("--every", *every_, 1) : 1;
  if (dtype_) {
    if (*dtype_ != "float32" && *dtype_ != "float64")
      throw ConfigError("--dtype = " + *dtype_ + ": expected float32 or float64");
    options.dtype = dtype_from_string(*dtype_);
  }

  if (!compare_.empty() || output_) {
    if (trace_path_) throw ConfigError("--trace records one optimizer's walk; with --compare or --output, draw it instead");
    return run_compare(f, options, out);
  }
  if (optimizer_.empty()) throw ConfigError("--optimizer is required: one of " + joined(kOptimizers) + " (or --compare SPEC with --output)");
  const optim::OptimizerSpec spec = optimizer_spec();

  std::vector<std::string> settings;
  for (const auto& [option, value] : spec.options) settings.push_back(option + "=" + value);
  const std::string description = f.name() + " with " + optimizer_ +
                                  (settings.empty() ? "" : " (" + joined(settings) + ")") + ", " +
                                  std::string(to_string(options.dtype));
  const std::vector<std::string> names = functions::Objective::variable_names(x0.size());

  // Opened before the run, so that an unwritable path is reported before any work.
  std::optional<train::TrajectoryCsv> trace;
  if (trace_path_) {
    if (trace_path_->empty()) throw ConfigError("--trace = : expected a file name");
    std::vector<std::string> quoted;
    for (const std::string& arg : args) quoted.push_back(shell_quoted(arg));
    const std::vector<std::string> comments = {
        "descent " + joined(quoted, " "), description + ", " + std::to_string(options.steps) + " steps",
        "row k: the point after k steps, the value (loss) and gradient norm there", "function: " + function_};
    trace.emplace(*trace_path_, comments, names, options.dtype);
  }

  std::int64_t first_non_finite = -1;
  const train::MinimizePoint last = train::minimize(f, spec, options, [&](const train::MinimizePoint& p) {
    if (p.step == 0) out << "minimizing " << description << "\n";  // here, once the optimizer has been built
    if (trace) trace->write(p);
    if (first_non_finite < 0 && !std::isfinite(p.loss)) first_non_finite = p.step;
    if (p.step % every == 0)
      out << "step " << p.step << ": " << point_text(names, p.x, options.dtype)
          << ", f = " << readable(p.loss, options.dtype) << ", grad = " << vector_text(p.grad, options.dtype) << "\n";
  });
  if (trace) trace->commit();

  out << "final after " << last.step << (last.step == 1 ? " step: " : " steps: ")
      << point_text(names, last.x, options.dtype) << ", f = " << readable(last.loss, options.dtype)
      << ", |grad| = " << readable(last.grad_norm, options.dtype) << "\n";
  if (first_non_finite >= 0)
    out << "the value stopped being finite at step " << first_non_finite << ": try a smaller --lr\n";
  if (const functions::TestFunction* tf = f.test_function()) {
    std::vector<std::string> minima;
    for (const std::vector<double>& m : tf->minimizers(x0.size())) minima.push_back(vector_text(m, Dtype::Float64));
    out << "known minimum: f = " << readable(tf->minimum, Dtype::Float64) << " at "
        << (names.size() == 1 ? names[0] : "(" + joined(names) + ")") << " = " << joined(minima) << "\n";
  }
  return kExitSuccess;
}

namespace {

// "adam:lr=0.05:betas=0.9,0.999" -> {adam, {lr: 0.05, betas: 0.9,0.999}}; option names may use - or _.
optim::OptimizerSpec parse_spec(const std::string& text) {
  optim::OptimizerSpec spec;
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    const std::size_t colon = std::min(text.find(':', start), text.size());
    const std::string item = text.substr(start, colon - start);
    if (first) {
      spec.name = item;
      if (std::find(kOptimizers.begin(), kOptimizers.end(), item) == kOptimizers.end())
        throw ConfigError("--compare " + text + ": optimizer \"" + item + "\": expected one of " + joined(kOptimizers));
    } else {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        throw ConfigError("--compare " + text + ": \"" + item + "\": expected option=value, as lr=0.05");
      std::string key = item.substr(0, eq);
      std::replace(key.begin(), key.end(), '-', '_');
      spec.options.emplace_back(key, item.substr(eq + 1));
    }
    if (colon == text.size()) return spec;
    start = colon + 1;
  }
}

std::string spec_text(const optim::OptimizerSpec& spec) {
  std::string s = spec.name;
  for (const auto& [k, v] : spec.options) s += " " + k + "=" + v;
  return s;
}

}  // namespace

int MinimizeCommand::run_compare(const functions::Objective& f, const train::MinimizeOptions& options,
                                 std::ostream& out) const {
  if (!output_) throw ConfigError("--compare draws its paths: give --output OUT.png or OUT.svg");
  std::vector<optim::OptimizerSpec> specs;
  if (!optimizer_.empty()) specs.push_back(optimizer_spec());
  for (const std::string& text : compare_) specs.push_back(parse_spec(text));
  if (specs.empty()) throw ConfigError("--output needs --optimizer NAME or --compare SPEC");
  const std::vector<std::string> names = functions::Objective::variable_names(options.x0.size());
  if (names.size() > 2) throw ConfigError("--output draws functions of one or two variables; --x0 has " +
                                          std::to_string(names.size()) + " values");
  std::vector<Path> paths;
  for (const optim::OptimizerSpec& spec : specs) {
    Path path{.name = spec_text(spec)};
    train::MinimizePoint last;
    try {
      last = train::minimize(f, spec, options, [&](const train::MinimizePoint& p) {
        path.points.push_back(p.x);
        path.values.push_back(p.loss);
      });
    } catch (const ValueError& e) {
      throw ConfigError(spec_text(spec) + ": " + e.what());
    }
    out << path.name << ": after " << last.step << " steps " << point_text(names, last.x, options.dtype)
        << ", f = " << readable(last.loss, options.dtype) << "\n";
    paths.push_back(std::move(path));
  }
  plot::Figure figure = path_figure(f.name(), names, paths);
  figure.title = f.name() + " from " + point_text(names, options.x0, Dtype::Float64) + ", " +
                 std::to_string(options.steps) + " steps";
  plot::render(figure, *output_);
  out << "wrote " << *output_ << "\n";
  return kExitSuccess;
}

}  // namespace descent::cli
