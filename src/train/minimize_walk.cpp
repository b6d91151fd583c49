#include "descent/train/minimize_walk.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "descent/diagnostics/plot.hpp"
#include "descent/error.hpp"
#include "descent/train/trace_figures.hpp"
#include "descent/train/trajectory_csv.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/shell_quote.hpp"
#include "descent/util/split.hpp"

namespace descent::train {
namespace {

// For reading on a terminal: float32 numbers in full (the shortest text that reads back the same, at
// most 9 digits), float64 ones to 10 significant digits (the trace has all 17): 2.4, 1.2288, 0.9334756821.
std::string readable(double value, Dtype dtype) {
  return dtype == Dtype::Float32 ? util::format_float32(static_cast<float>(value)) : util::format_number(value, ".10g");
}

// "(3, -1)". Built by append, not "(" + ...: that trips GCC 12's -Wrestrict false alarm.
std::string parenthesized(const std::vector<std::string>& parts) {
  return std::string("(").append(util::join(parts)).append(")");
}

std::string readable(const std::vector<double>& values, Dtype dtype) {
  std::vector<std::string> out;
  for (double v : values) out.push_back(readable(v, dtype));
  return parenthesized(out);
}

// "x = 3" for one variable, "(x, y) = (3, -1)" for more.
std::string point_text(const std::vector<std::string>& names, const std::vector<double>& values, Dtype dtype) {
  if (names.size() == 1) return names[0] + " = " + readable(values[0], dtype);
  return parenthesized(names) + " = " + readable(values, dtype);
}

std::string vector_text(const std::vector<double>& values, Dtype dtype) {
  return values.size() == 1 ? readable(values[0], dtype) : readable(values, dtype);
}

std::string spec_text(const optim::OptimizerSpec& spec) {
  std::string s = spec.name;
  for (const auto& [k, v] : spec.options) s += " " + k + "=" + v;
  return s;
}

}  // namespace

void print_walk(const functions::Objective& f, const optim::OptimizerSpec& spec, const MinimizeOptions& options,
                const WalkOptions& walk, std::ostream& out) {
  std::vector<std::string> settings;
  for (const auto& [option, value] : spec.options) settings.push_back(option + "=" + value);
  const std::string description = f.name() + " with " + spec.name +
                                  (settings.empty() ? "" : " (" + util::join(settings) + ")") + ", " +
                                  std::string(to_string(options.dtype));
  const std::vector<std::string> names = functions::Objective::variable_names(options.x0.size());

  std::optional<TrajectoryCsv> trace;
  if (!walk.trace_path.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& arg : walk.command) quoted.push_back(util::shell_quote(arg));
    const std::vector<std::string> comments = {
        "descent " + util::join(quoted, " "), description + ", " + std::to_string(options.steps) + " steps",
        "row k: the point after k steps, the value (loss) and gradient norm there", "function: " + f.name()};
    trace.emplace(walk.trace_path, comments, names, options.dtype);
  }

  std::int64_t first_non_finite = -1;
  const MinimizePoint last = minimize(f, spec, options, [&](const MinimizePoint& p) {
    if (p.step == 0) out << "minimizing " << description << "\n";  // here, once the optimizer has been built
    if (trace) trace->write(p);
    if (first_non_finite < 0 && !std::isfinite(p.loss)) first_non_finite = p.step;
    if (p.step % walk.every == 0)
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
    for (const std::vector<double>& m : tf->minimizers(options.x0.size()))
      minima.push_back(vector_text(m, Dtype::Float64));
    out << "known minimum: f = " << readable(tf->minimum, Dtype::Float64) << " at "
        << (names.size() == 1 ? names[0] : parenthesized(names)) << " = " << util::join(minima) << "\n";
  }
}

void compare_walks(const functions::Objective& f, const std::vector<optim::OptimizerSpec>& specs,
                   const MinimizeOptions& options, const std::string& output, std::ostream& out) {
  const std::vector<std::string> names = functions::Objective::variable_names(options.x0.size());
  if (names.size() > 2)
    throw ConfigError("--output draws functions of one or two variables; --x0 has " + std::to_string(names.size()) +
                      " values");
  std::vector<Path> paths;
  for (const optim::OptimizerSpec& spec : specs) {
    Path path{.name = spec_text(spec)};
    MinimizePoint last;
    try {
      last = minimize(f, spec, options, [&](const MinimizePoint& p) {
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
  plot::render(figure, output);
  out << "wrote " << output << "\n";
}

optim::OptimizerSpec parse_optimizer_spec(const std::string& text, const std::string& where) {
  const std::vector<std::string> items = util::split(text, ':');
  const std::vector<std::string> known = optim::optimizer_names();
  optim::OptimizerSpec spec{.name = items[0], .options = {}};
  if (std::find(known.begin(), known.end(), spec.name) == known.end())
    throw ConfigError(where + " " + text + ": optimizer \"" + spec.name + "\": expected one of " + util::join(known));
  for (std::size_t i = 1; i < items.size(); ++i) {
    const std::string& item = items[i];
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw ConfigError(where + " " + text + ": \"" + item + "\": expected option=value, as lr=0.05");
    std::string key = item.substr(0, eq);
    std::replace(key.begin(), key.end(), '-', '_');
    spec.options.emplace_back(key, item.substr(eq + 1));
  }
  return spec;
}

}  // namespace descent::train
