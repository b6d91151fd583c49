#include "descent/diagnostics/plot.hpp"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "descent/error.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/csv.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/shell_quote.hpp"

namespace descent::plot {
namespace fs = std::filesystem;

namespace {

// gnuplot string literal: single quotes, with embedded quotes doubled.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// Numbers for gnuplot's data files and script: 17 digits, as computed.
std::string number(double v) { return util::format_number(v, ".17g"); }

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "descent-plot-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw IoError("cannot create a temporary directory for gnuplot");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Colours of paths drawn over a contour picture, none of them in its palette (viridis: purple to
// yellow through blue and green).
constexpr const char* kPathColours[] = {"#e41a1c", "#ff7f00", "#ffffff", "#000000", "#f781bf", "#a65628"};

// The step between ticks of a whole-number x axis: 1, 2, 5, 10, 20, ... whichever first gives at
// most 10 intervals over the series' x range.
double integer_tick_step(const std::vector<Series>& series) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : series)
    for (double x : s.x)
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  const double range = hi > lo ? hi - lo : 1;
  for (double decade = 1;; decade *= 10)
    for (double m : {1.0, 2.0, 5.0})
      if (range / (m * decade) <= 10) return m * decade;
}

// z at (x, y) on the grid, bilinear between its four nearest values; x, y in grid units.
double bilinear(const ContourGrid& c, double x, double y) {
  const std::size_t j = std::min(static_cast<std::size_t>(x), c.xs.size() - 2);
  const std::size_t i = std::min(static_cast<std::size_t>(y), c.ys.size() - 2);
  const double u = x - static_cast<double>(j), v = y - static_cast<double>(i);
  return (1 - v) * ((1 - u) * c.z[i][j] + u * c.z[i][j + 1]) + v * ((1 - u) * c.z[i + 1][j] + u * c.z[i + 1][j + 1]);
}

// Writes the filled contours' data into `dir` and their settings into `script`; returns the plot
// entries that draw them (the colours, then the level lines). The colours are an image of the grid,
// refined to at least 200 pixels a side by bilinear interpolation, in as many bands as levels
// (palette maxcolors); the lines lie on the bands' boundaries. Values that are not finite take the
// top colour.
std::vector<std::string> contour_plots(const ContourGrid& c, const fs::path& dir, std::ostream& script) {
  double lo = INFINITY, hi = -INFINITY, smallest_positive = INFINITY;
  for (const auto& row : c.z)
    for (double v : row)
      if (std::isfinite(v)) {
        lo = std::min(lo, v), hi = std::max(hi, v);
        if (v > 0) smallest_positive = std::min(smallest_positive, v);
      }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const bool log = c.log_levels && lo >= 0 && std::isfinite(smallest_positive) && hi > smallest_positive;
  if (log) lo = smallest_positive;
  if (!(hi > lo)) hi = lo + 1;
  auto level = [&](double t) { return log ? lo * std::pow(hi / lo, t) : lo + (hi - lo) * t; };

  {
    std::ofstream grid(dir / "grid.dat");
    for (std::size_t i = 0; i < c.ys.size(); ++i) {
      for (std::size_t j = 0; j < c.xs.size(); ++j)
        grid << number(c.xs[j]) << ' ' << number(c.ys[i]) << ' ' << number(c.z[i][j]) << '\n';
      grid << '\n';
    }
    std::ofstream image(dir / "image.dat");
    const std::size_t nx = c.xs.size(), ny = c.ys.size();
    const std::size_t refine = nx < 2 || ny < 2 ? 1 : (200 + std::min(nx, ny) - 2) / (std::min(nx, ny) - 1);
    for (std::size_t i = 0; i + 1 < (ny - 1) * refine + 2; ++i) {
      const double y = static_cast<double>(i) / static_cast<double>(refine);
      for (std::size_t j = 0; j + 1 < (nx - 1) * refine + 2; ++j) {
        const double x = static_cast<double>(j) / static_cast<double>(refine);
        double v = refine == 1 ? c.z[i][j] : bilinear(c, x, y);
        v = std::isfinite(v) ? std::clamp(v, lo, hi) : hi;
        const double at_x = c.xs.front() + (c.xs.back() - c.xs.front()) * x / static_cast<double>(nx - 1);
        const double at_y = c.ys.front() + (c.ys.back() - c.ys.front()) * y / static_cast<double>(ny - 1);
        image << number(at_x) << ' ' << number(at_y) << ' ' << number(v) << '\n';
      }
      image << '\n';
    }
  }
  script << "set contour base\nunset surface\nset view map\nset cntrparam levels discrete ";
  for (int k = 1; k < c.levels; ++k) script << (k > 1 ? "," : "") << number(level(static_cast<double>(k) / c.levels));
  script << "\nset table " << quoted((dir / "contours.dat").string()) << "\n";
  script << "splot " << quoted((dir / "grid.dat").string()) << " with lines notitle\nunset table\n";
  script << "unset contour\nset xrange [" << number(c.xs.front()) << ":" << number(c.xs.back()) << "]\n";
  script << "set yrange [" << number(c.ys.front()) << ":" << number(c.ys.back()) << "]\n";
  script << "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n";
  script << "set palette maxcolors " << c.levels << "\n";
  script << "set cbrange [" << number(lo) << ":" << number(hi) << "]\n" << (log ? "set logscale cb\n" : "");
  script << "set colorbox\nset cblabel " << quoted(c.label) << " noenhanced\nset grid front\n";
  return {quoted((dir / "image.dat").string()) + " using 1:2:3 with image notitle",
          quoted((dir / "contours.dat").string()) + " with lines lc rgb '#303030' lw 0.5 title 'contour lines'"};
}
// Writes the matrix into `dir` and its settings into `script`; returns the plot entries that draw it:
// the cells, then their values, in white on the darker half of the colours and black on the rest.
std::vector<std::string> matrix_plots(const MatrixImage& m, const fs::path& dir, std::ostream& script) {
  double hi = 0;
  {
    std::ofstream data(dir / "matrix.dat");
    for (const auto& row : m.values) {
      for (std::size_t j = 0; j < row.size(); ++j) {
        data << (j ? " " : "") << number(row[j]);
        if (std::isfinite(row[j])) hi = std::max(hi, row[j]);
      }
      data << '\n';
    }
  }
  if (!(hi > 0)) hi = 1;
  auto tics = [](const std::vector<std::string>& names) {
    std::string t = "(";
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i) t += ", ";
      t.append(quoted(names[i])).append(" ").append(std::to_string(i));
    }
    return t + ")";
  };
  const double rows = static_cast<double>(m.values.size());
  const double cols = static_cast<double>(m.values.empty() ? 0 : m.values.front().size());
  script << "unset key\nunset grid\nset xrange [-0.5:" << number(cols - 0.5) << "]\n";
  script << "set yrange [" << number(rows - 0.5) << ":-0.5]\n";  // row 0 at the top
  script << "set xtics " << tics(m.column_names) << " noenhanced\nset ytics " << tics(m.row_names) << " noenhanced\n";
  script << "set tics scale 0\nset size ratio -1\n";
  script << "set palette defined (0 '#f7fbff', 1 '#6baed6', 2 '#08306b')\nset cbrange [0:" << number(hi) << "]\n";
  script << "set colorbox\nset cblabel " << quoted(m.label) << " noenhanced\n";
  const std::string file = quoted((dir / "matrix.dat").string()), half = number(hi / 2);
  return {file + " matrix with image",
          file + " matrix using 1:2:($3 > " + half + " ? sprintf('%g', $3) : '') with labels tc rgb '#ffffff'",
          file + " matrix using 1:2:($3 > " + half + " ? '' : sprintf('%g', $3)) with labels tc rgb '#000000'"};
}

}  // namespace

int Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

Table read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open");
  util::CsvText text = util::read_csv(in);
  Table t;
  t.comments = std::move(text.comments);
  for (std::size_t r = 0; r < text.records.size(); ++r) {
    const std::vector<std::string>& fields = text.records[r];
    if (t.columns.empty()) {
      t.columns = fields;
      continue;
    }
    const std::string where = path + ":" + std::to_string(text.lines[r]) + ": ";
    if (fields.size() != t.columns.size())
      throw IoError(where + std::to_string(fields.size()) + " fields, expected " + std::to_string(t.columns.size()) +
                    " as in the header");
    std::vector<double> row;
    for (const auto& f : fields) {
      char* end = nullptr;
      const double v = std::strtod(f.c_str(), &end);
      if (f.empty() || *end != '\0') throw IoError(where + "\"" + f + "\" is not a number");
      row.push_back(v);
    }
    t.rows.push_back(std::move(row));
  }
  if (t.columns.empty()) throw IoError(path + ": no header line: expected a CSV trace written by descent");
  return t;
}

Table read_metrics(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  Table t;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw IoError(path + ":" + std::to_string(line_no) + ": not a JSON object: " + e.what());
    }
    if (t.columns.empty())
      for (auto& [key, value] : j.items())
        if (value.is_number()) t.columns.push_back(key);
    std::vector<double> row;
    for (const auto& c : t.columns) row.push_back(j.contains(c) && j[c].is_number() ? j[c].get<double>() : NAN);
    t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) throw IoError(path + ": no metrics lines");
  return t;
}

std::string gnuplot_script(const Figure& f, const std::string& dir_text, const std::string& picture) {
  const fs::path dir(dir_text);
  const std::string ext = fs::path(picture).extension().string();
  std::ostringstream script;
  if (ext == ".png") script << "set terminal pngcairo size 960,720 enhanced font 'DejaVu Sans,11'\n";
  else if (ext == ".svg")
    script << "set terminal svg size 960,720 enhanced font 'DejaVu Sans,11' background rgb 'white'\n";
  else throw IoError(picture + ": expected an output file ending in .png or .svg");
  script << "set output " << quoted(picture) << "\n";
  script << "set title " << quoted(f.title) << " noenhanced\nset xlabel " << quoted(f.xlabel) << " noenhanced\n";
  script << "set ylabel " << quoted(f.ylabel) << " noenhanced\n";
  // The legend goes below the plot, two entries a row: leave room for its rows under the x label.
  const std::size_t entries = f.series.size() + (f.contour ? 1 : 0);
  const std::size_t rows = (entries + 1) / 2;
  script << "set key below box noenhanced maxrows " << std::max<std::size_t>(rows, 1) << "\n";
  script << "set bmargin " << 5 + 1.3 * static_cast<double>(rows) << "\nset grid\n";
  if (f.log_y) script << "set logscale y\n";
  if (!f.y2label.empty())
    script << "set y2label " << quoted(f.y2label) << " noenhanced\nset y2tics\nset ytics nomirror\n";
  if (f.integer_x) script << "set xtics " << number(integer_tick_step(f.series)) << "\nset format x '%.0f'\n";

  std::vector<std::string> plots;
  if (f.contour) plots = contour_plots(*f.contour, dir, script);
  if (f.matrix) plots = matrix_plots(*f.matrix, dir, script);
  const bool two_axes = std::any_of(f.series.begin(), f.series.end(), [](const Series& s) { return s.right_axis; });
  for (std::size_t s = 0; s < f.series.size(); ++s) {
    const Series& series = f.series[s];
    const std::string file = (dir / ("series" + std::to_string(s) + ".dat")).string();
    std::ofstream data(file);
    for (std::size_t i = 0; i < series.x.size(); ++i) data << number(series.x[i]) << ' ' << number(series.y[i]) << '\n';
    const std::string axis = !two_axes ? "" : series.right_axis ? " (right axis)" : " (left axis)";
    // Over a contour's colours, paths take colours of their own that none of the palette's is.
    const std::string colour =
        f.contour ? " lc rgb '" + std::string(kPathColours[s % std::size(kPathColours)]) + "'" : "";
    plots.push_back(quoted(file) + " using 1:2" + (series.right_axis ? " axes x1y2" : "") +
                    (series.points ? " with linespoints pt 7 ps 0.5 lw 1.5" : " with lines lw 2") + colour + " title " +
                    quoted(series.name + axis));
  }
  script << "plot ";
  for (std::size_t i = 0; i < plots.size(); ++i) script << (i ? ", \\\n     " : "") << plots[i];
  script << "\nunset output\n";
  return script.str();
}

void render(const Figure& f, const std::string& output) {
  const std::string ext = fs::path(output).extension().string();
  if (ext != ".png" && ext != ".svg") throw IoError(output + ": expected an output file ending in .png or .svg");
  TempDir tmp;
  // gnuplot draws into the temporary directory; the picture is then written into place whole.
  const fs::path picture = tmp / ("picture" + ext);
  { std::ofstream(tmp / "plot.gp") << gnuplot_script(f, tmp.path().string(), picture.string()); }
  const std::string command = "gnuplot " + util::shell_quote((tmp / "plot.gp").string()) + " 2> " +
                              util::shell_quote((tmp / "gnuplot.log").string());
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::ifstream log(tmp / "gnuplot.log");
    std::string first;
    std::getline(log, first);
    throw IoError(output + ": gnuplot failed" + (first.empty() ? " (is gnuplot-nox installed?)" : ": " + first));
  }
  std::ifstream drawn(picture, std::ios::binary);
  if (!drawn || drawn.peek() == std::ifstream::traits_type::eof()) throw IoError(output + ": gnuplot drew nothing");
  util::write_file_atomically(
      output, [&](std::ostream& out) { out << drawn.rdbuf(); }, "the picture");
}

}  // namespace descent::plot
