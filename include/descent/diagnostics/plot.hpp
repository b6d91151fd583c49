#pragma once
// Pictures through gnuplot (Debian's gnuplot-nox): line plots of metrics and recorded trajectories,
// and an optimizer's path over a function's contour lines. descent writes the data and a gnuplot
// script to a temporary directory, runs gnuplot, and writes the finished picture into place whole
// (util/atomic_file.hpp).
#include <optional>
#include <string>
#include <vector>

namespace descent::plot {

struct Series {
  std::string name = {};  // the legend entry
  std::vector<double> x = {}, y = {};
  bool right_axis = false;  // drawn against the y2 axis
  bool points = false;      // mark each point (paths), else a plain line
};

// z[i][j] = f(xs[j], ys[i]) on an evenly spaced grid, drawn under the series as filled contours: a
// colour per band between two levels, the levels' lines, and a colour box labelled `label` that reads
// each colour back as a value.
struct ContourGrid {
  std::vector<double> xs, ys;
  std::vector<std::vector<double>> z;
  int levels = 20;          // bands of colour; levels - 1 lines between them
  bool log_levels = false;  // levels spaced on a log scale (valleys such as Rosenbrock's)
  std::string label = {};   // what z is ("loss"): the colour box's label
};

// A matrix drawn as a grid of coloured cells, each labelled with its value (a confusion matrix's
// counts): values[i][j] in row i (rows top to bottom) and column j (left to right), a colour box
// labelled `label` reading each colour back as a value.
struct MatrixImage {
  std::vector<std::vector<double>> values = {};
  std::vector<std::string> row_names = {}, column_names = {};  // the tick labels, one per row and per column
  std::string label = {};
};

// With one series or more against the right axis, every legend entry names its axis ("loss (left
// axis)"), as two scales in one picture are otherwise read against the wrong one.
struct Figure {
  std::string title = {}, xlabel = {}, ylabel = {}, y2label = {};
  std::vector<Series> series = {};
  std::optional<ContourGrid> contour = {};
  std::optional<MatrixImage> matrix = {};  // drawn instead of axes of numbers; no series then
  bool log_y = false;
  bool integer_x = false;  // x counts whole things (epochs): ticks at whole numbers only
};

// Renders to `output` (.png, at least 640x480, or .svg by its extension). Throws descent::IoError
// naming the file when the extension is neither, gnuplot is missing or fails.
void render(const Figure& figure, const std::string& output);

// The gnuplot script that render runs, drawing into `picture` (whose extension picks the terminal),
// with the data files it reads written into the directory `dir`: for tests, and for restyling a
// picture by hand. Throws descent::IoError for an extension other than .png and .svg.
std::string gnuplot_script(const Figure& figure, const std::string& dir, const std::string& picture);

// A CSV file as descent writes it (util/csv.hpp): leading '#' comment lines, a header, numeric rows.
struct Table {
  std::vector<std::string> comments;  // without the leading '#'
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  int column(const std::string& name) const;  // -1 when absent
};
Table read_csv(const std::string& path);

// JSON Lines metrics (descent train --metrics): every numeric key becomes a column.
Table read_metrics(const std::string& path);

}  // namespace descent::plot
