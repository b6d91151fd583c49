#include "descent/train/trace_figures.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/functions/objective.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

std::vector<double> column(const plot::Table& t, int c) {
  std::vector<double> out;
  for (const auto& row : t.rows) out.push_back(row[static_cast<std::size_t>(c)]);
  return out;
}

// The "# function: ..." line a minimize trace records; empty when absent.
std::string recorded_function(const plot::Table& t) {
  for (const auto& c : t.comments)
    if (c.starts_with("function: ")) return c.substr(10);
  return {};
}

// [lo, hi] of every path's coordinate `d`, widened by a quarter on each side (at least 0.5).
std::pair<double, double> span(const std::vector<Path>& paths, std::size_t d) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Path& p : paths)
    for (const auto& x : p.points)
      if (std::isfinite(x[d])) lo = std::min(lo, x[d]), hi = std::max(hi, x[d]);
  if (!std::isfinite(lo)) lo = -1, hi = 1;
  const double pad = std::max(0.25 * (hi - lo), 0.5);
  return {lo - pad, hi + pad};
}

bool from_minimize(const plot::Table& t) {
  for (const auto& c : t.comments)
    if (c.find("descent minimize") != std::string::npos) return true;
  return false;
}

// Columns of a minimize trace between "step" and "loss": the function's variables.
std::vector<int> variable_columns(const plot::Table& t) {
  std::vector<int> vars;
  for (int c = 1; c < static_cast<int>(t.columns.size()); ++c) {
    if (t.columns[c] == "loss") break;
    vars.push_back(c);
  }
  return vars;
}

bool is_metrics(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  char c = 0;
  while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
  }
  return c == '{';
}

}  // namespace

plot::Figure metrics_figure(const std::vector<std::string>& files) {
  plot::Figure f{.title = "Training",
                 .xlabel = "epoch",
                 .ylabel = "mean training loss",
                 .y2label = "test accuracy",
                 .integer_x = true};
  for (const auto& file : files) {
    const plot::Table t = plot::read_metrics(file);
    const int epoch = t.column("epoch"), loss = t.column("train_loss"), acc = t.column("test_accuracy");
    if (epoch < 0 || loss < 0) throw IoError(file + ": expected metrics with the keys epoch and train_loss");
    const std::string name = files.size() > 1 ? stem(file) + ": " : "";
    const bool one_point = t.rows.size() == 1;  // a line through one point draws nothing: mark it
    f.series.push_back({name + "training loss", column(t, epoch), column(t, loss), false, one_point});
    if (const int val_loss = t.column("val_loss"); val_loss >= 0)  // [data] validation
      f.series.push_back({name + "validation loss", column(t, epoch), column(t, val_loss), false, one_point});
    if (acc >= 0) f.series.push_back({name + "test accuracy", column(t, epoch), column(t, acc), true, one_point});
    if (const int val_acc = t.column("val_accuracy"); val_acc >= 0)
      f.series.push_back({name + "validation accuracy", column(t, epoch), column(t, val_acc), true, one_point});
  }
  if (files.size() == 1) f.title = "Training: " + stem(files.front());
  return f;
}

plot::Figure path_figure(const std::string& function, const std::vector<std::string>& variables,
                         const std::vector<Path>& paths) {
  const functions::Objective f(function);
  NoGradGuard no_grad;
  auto value = [&](const std::vector<double>& x) {
    std::vector<Tensor> args;
    for (double v : x) args.push_back(scalar_tensor(v, Dtype::Float64));
    return f(args).item();
  };
  plot::Figure fig{
      .title = "Optimizer paths on " + function, .xlabel = variables.at(0), .ylabel = "f(" + variables[0] + ")"};
  constexpr int kGrid = 101;
  if (variables.size() == 1) {
    const auto [lo, hi] = span(paths, 0);
    plot::Series curve{.name = function};
    for (int i = 0; i < kGrid; ++i) {
      const double x = lo + (hi - lo) * i / (kGrid - 1);
      curve.x.push_back(x);
      curve.y.push_back(value({x}));
    }
    fig.series.push_back(curve);
  } else {
    fig.ylabel = variables.at(1);
    const auto [x0, x1] = span(paths, 0);
    const auto [y0, y1] = span(paths, 1);
    plot::ContourGrid grid;
    for (int i = 0; i < kGrid; ++i) {
      grid.xs.push_back(x0 + (x1 - x0) * i / (kGrid - 1));
      grid.ys.push_back(y0 + (y1 - y0) * i / (kGrid - 1));
    }
    double lo = INFINITY, hi = -INFINITY;
    for (double y : grid.ys) {
      grid.z.emplace_back();
      for (double x : grid.xs) {
        const double v = value({x, y});
        grid.z.back().push_back(v);
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    }
    grid.log_levels = lo >= 0 && hi > 100 * (lo + 1e-3);  // steep valleys: Rosenbrock, Beale
    grid.label = "f(" + util::join(variables) + ")";
    fig.contour = std::move(grid);
  }
  for (const Path& p : paths) {
    plot::Series s{.name = p.name, .points = true};
    for (std::size_t k = 0; k < p.points.size(); ++k) {
      s.x.push_back(p.points[k][0]);
      s.y.push_back(variables.size() == 1 ? p.values[k] : p.points[k][1]);
    }
    fig.series.push_back(std::move(s));
  }
  return fig;
}

plot::Figure trace_figure(const std::vector<std::string>& files) {
  plot::Figure f{.title = "Trajectories", .xlabel = "step", .ylabel = "value"};
  std::vector<std::string> y2;  // the right axis' columns
  for (const auto& file : files) {
    const plot::Table t = plot::read_csv(file);
    if (t.columns.empty() || t.columns[0] != "step")
      throw IoError(file + ": expected a trace whose first column is step");
    const std::string prefix = files.size() > 1 ? stem(file) + ": " : "";
    const std::vector<double> steps = column(t, 0);
    if (const std::string function = recorded_function(t); !function.empty() && files.size() == 1) {
      const std::vector<int> vars = variable_columns(t);
      if (vars.size() == 1 || vars.size() == 2) {
        Path path{.name = stem(file)};
        for (const auto& row : t.rows) {
          std::vector<double> x;
          for (int c : vars) x.push_back(row[static_cast<std::size_t>(c)]);
          path.points.push_back(std::move(x));
          path.values.push_back(t.column("loss") >= 0 ? row[static_cast<std::size_t>(t.column("loss"))] : NAN);
        }
        std::vector<std::string> names;
        for (int c : vars) names.push_back(t.columns[c]);
        return path_figure(function, names, {path});
      }
    }
    if (from_minimize(t)) {
      const std::vector<int> vars = variable_columns(t);
      if (vars.size() == 2) {
        f.xlabel = t.columns[vars[0]];
        f.ylabel = t.columns[vars[1]];
        f.title = "Optimizer paths";
        f.series.push_back({prefix + "path", column(t, vars[0]), column(t, vars[1]), false, true});
        continue;
      }
      if (vars.size() == 1 && t.column("loss") >= 0) {
        f.xlabel = t.columns[vars[0]];
        f.ylabel = "f(" + t.columns[vars[0]] + ")";
        f.title = "Optimizer paths";
        f.series.push_back({prefix + "path", column(t, vars[0]), column(t, t.column("loss")), false, true});
        continue;
      }
    }
    for (int c = 1; c < static_cast<int>(t.columns.size()); ++c) {
      const std::string& name = t.columns[c];
      const bool right = name == "loss" || name == "grad_norm" || name == "lr";
      if (right) y2.push_back(name);
      f.series.push_back({prefix + name, steps, column(t, c), right});
    }
  }
  f.y2label = util::join(y2);
  if (files.size() == 1 && f.title == "Trajectories") f.title = "Trajectories: " + stem(files.front());
  return f;
}

void draw_files(const std::vector<std::string>& files, const std::string& output, const std::string& title) {
  for (const auto& f : files)
    if (is_metrics(f) && is_evaluation_file(f)) {
      if (files.size() > 1)
        throw ValueError("plot: " + f +
                         " is an evaluation (descent eval --json): expected it alone, one confusion "
                         "matrix per picture");
      plot::Figure figure = confusion_figure(f);
      if (!title.empty()) figure.title = title;
      plot::render(figure, output);
      return;
    }
  std::vector<std::string> metrics, traces;
  for (const auto& f : files) (is_metrics(f) ? metrics : traces).push_back(f);
  if (!metrics.empty() && !traces.empty())
    throw ValueError("plot: cannot draw metrics (" + metrics.front() + ") and traces (" + traces.front() +
                     ") in one picture; make one picture of each");
  plot::Figure figure = metrics.empty() ? trace_figure(traces) : metrics_figure(metrics);
  if (!title.empty()) figure.title = title;
  plot::render(figure, output);
}

}  // namespace descent::train
