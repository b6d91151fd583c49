#pragma once
// Figures for `descent plot` and `descent minimize --output`, built from the files descent writes.
#include <string>
#include <vector>

#include "descent/diagnostics/plot.hpp"

namespace descent::train {

// Loss (left axis) and test accuracy (right axis) per epoch, one pair of series per file; with a
// validation set ([data] validation) its loss and accuracy beside them.
plot::Figure metrics_figure(const std::vector<std::string>& files);
// An optimizer's walk on a function of one or two variables: its points and the values there.
struct Path {
  std::string name = {};
  std::vector<std::vector<double>> points = {};
  std::vector<double> values = {};
};
// Paths over the function's contour lines (two variables) or along its curve (one), the view framing
// every path. `function` is a test function's name or an expression (functions/objective.hpp).
plot::Figure path_figure(const std::string& function, const std::vector<std::string>& variables,
                         const std::vector<Path>& paths);

// Training traces: every recorded column per step (loss and grad_norm on the right axis).
// Minimize traces: the path through the variables, over the function when it can be evaluated.
plot::Figure trace_figure(const std::vector<std::string>& files);

// descent eval --json files: whether `path` is one (a JSON object with task, split and checkpoint), and
// its confusion matrix, counts in each cell. IoError for an evaluation without a matrix (a regression).
bool is_evaluation_file(const std::string& path);
plot::Figure confusion_figure(const std::string& path);

// `descent plot`: an evaluation (descent eval --json: its confusion matrix, alone in its picture), or
// metrics files (JSON Lines, told by their first character '{') or traces, not both,
// drawn into `output`; `title` replaces the figure's own when not empty. Throws ValueError for a mix,
// IoError for a file it cannot read or draw.
void draw_files(const std::vector<std::string>& files, const std::string& output, const std::string& title);

}  // namespace descent::train
