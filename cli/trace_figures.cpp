#include "trace_figures.hpp"

#include <filesystem>

#include "descent/error.hpp"

namespace descent::cli {
namespace {

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

std::vector<double> column(const plot::Table& t, int c) {
  std::vector<double> out;
  for (const auto& row : t.rows) out.push_back(row[static_cast<std::size_t>(c)]);
  return out;
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

}  // namespace

plot::Figure metrics_figure(const std::vector<std::string>& files) {
  plot::Figure f{.title = "Training", .xlabel = "epoch", .ylabel = "mean training loss", .y2label = "test accuracy"};
  for (const auto& file : files) {
    const plot::Table t = plot::read_metrics(file);
    const int epoch = t.column("epoch"), loss = t.column("train_loss"), acc = t.column("test_accuracy");
    if (epoch < 0 || loss < 0) throw IoError(file + ": expected metrics with the keys epoch and train_loss");
    const std::string name = files.size() > 1 ? stem(file) + ": " : "";
    f.series.push_back({name + "training loss", column(t, epoch), column(t, loss)});
    if (acc >= 0) f.series.push_back({name + "test accuracy", column(t, epoch), column(t, acc), true});
  }
  if (files.size() == 1) f.title = "Training: " + stem(files.front());
  return f;
}

plot::Figure trace_figure(const std::vector<std::string>& files) {
  plot::Figure f{.title = "Trajectories", .xlabel = "step", .ylabel = "value"};
  for (const auto& file : files) {
    const plot::Table t = plot::read_csv(file);
    if (t.columns.empty() || t.columns[0] != "step") throw IoError(file + ": expected a trace whose first column is step");
    const std::string prefix = files.size() > 1 ? stem(file) + ": " : "";
    const std::vector<double> steps = column(t, 0);
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
      if (right) f.y2label += (f.y2label.empty() ? "" : ", ") + name;
      f.series.push_back({prefix + name, steps, column(t, c), right});
    }
  }
  if (files.size() == 1 && f.title == "Trajectories") f.title = "Trajectories: " + stem(files.front());
  return f;
}

}  // namespace descent::cli
