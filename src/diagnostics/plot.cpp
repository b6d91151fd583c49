#include "descent/diagnostics/plot.hpp"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

 private:
  fs::path path_;
};

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

void render(const Figure& f, const std::string& output) {
  const std::string ext = fs::path(output).extension().string();
  std::string terminal;
  if (ext == ".png") terminal = "pngcairo size 960,720 enhanced font 'DejaVu Sans,11'";
  else if (ext == ".svg") terminal = "svg size 960,720 enhanced font 'DejaVu Sans,11' background rgb 'white'";
  else throw IoError(output + ": expected an output file ending in .png or .svg");

  TempDir tmp;
  std::ostringstream script;
  script << "set terminal " << terminal << "\n";
  // gnuplot draws into the temporary directory; the picture is then written into place whole.
  const fs::path picture = tmp / ("picture" + ext);
  script << "set output " << quoted(picture.string()) << "\n";
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

  std::vector<std::string> plots;
  if (f.contour) {
    const ContourGrid& c = *f.contour;
    std::ofstream grid(tmp / "grid.dat");
    for (std::size_t i = 0; i < c.ys.size(); ++i) {
      for (std::size_t j = 0; j < c.xs.size(); ++j)
        grid << number(c.xs[j]) << ' ' << number(c.ys[i]) << ' ' << number(c.z[i][j]) << '\n';
      grid << '\n';
    }
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& row : c.z)
      for (double v : row)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    script << "set contour base\nunset surface\nset view map\nset cntrparam levels discrete ";
    for (int k = 0; k < c.levels; ++k) {
      const double t = (k + 0.5) / c.levels;
      const double level =
          c.log_levels && lo > -1 ? (lo + 1e-12) * std::pow((hi + 1e-12) / (lo + 1e-12), t) : lo + (hi - lo) * t;
      script << (k ? "," : "") << number(level);
    }
    script << "\nset table " << quoted((tmp / "contours.dat").string()) << "\n";
    script << "splot " << quoted((tmp / "grid.dat").string()) << " with lines notitle\nunset table\n";
    script << "unset contour\nset xrange [" << number(c.xs.front()) << ":" << number(c.xs.back()) << "]\n";
    script << "set yrange [" << number(c.ys.front()) << ":" << number(c.ys.back()) << "]\n";
    plots.push_back(quoted((tmp / "contours.dat").string()) + " with lines lc rgb '#b0b0b0' title 'contour lines'");
  }
  for (std::size_t s = 0; s < f.series.size(); ++s) {
    const Series& series = f.series[s];
    const std::string file = (tmp / ("series" + std::to_string(s) + ".dat")).string();
    std::ofstream data(file);
    for (std::size_t i = 0; i < series.x.size(); ++i) data << number(series.x[i]) << ' ' << number(series.y[i]) << '\n';
    plots.push_back(quoted(file) + " using 1:2" + (series.right_axis ? " axes x1y2" : "") +
                    (series.points ? " with linespoints pt 7 ps 0.5 lw 1.5" : " with lines lw 2") + " title " +
                    quoted(series.name));
  }
  script << "plot ";
  for (std::size_t i = 0; i < plots.size(); ++i) script << (i ? ", \\\n     " : "") << plots[i];
  script << "\nunset output\n";
  { std::ofstream(tmp / "plot.gp") << script.str(); }
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
