// Every kind of picture descent draws, rendered by gnuplot as SVG through the commands a user runs, and
// checked for what makes it readable: metrics tick epochs at whole numbers, a picture with two y axes
// names each series' axis in its legend, contour pictures are filled with a labelled colour box.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/diagnostics/plot.hpp"
#include "descent/train/trace_figures.hpp"
#include "support/text.hpp"

namespace descent::cli {
namespace {

using data::testing::TempDir;

struct SvgText {
  std::string anchor;  // text-anchor of the group holding it: middle, start or end
  std::string text;    // without markup or surrounding spaces
};

// Each <text> of a gnuplot SVG with the text-anchor of the <g> around it.
std::vector<SvgText> svg_texts(const std::string& path) {
  std::ifstream in(path);
  const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<SvgText> texts;
  for (std::size_t at = svg.find("<text>"); at != std::string::npos; at = svg.find("<text>", at + 1)) {
    const std::size_t end = svg.find("</text>", at);
    const std::size_t anchor_at = svg.rfind("text-anchor=\"", at);
    SvgText t;
    if (anchor_at != std::string::npos)
      t.anchor = svg.substr(anchor_at + 13, svg.find('"', anchor_at + 13) - anchor_at - 13);
    bool in_tag = false;
    for (char c : svg.substr(at + 6, end - at - 6)) {
      if (c == '<') in_tag = true;
      else if (c == '>') in_tag = false;
      else if (!in_tag) t.text += c;
    }
    t.text.erase(0, t.text.find_first_not_of(' '));
    t.text.erase(t.text.find_last_not_of(' ') + 1);
    texts.push_back(t);
  }
  return texts;
}

bool has_text(const std::vector<SvgText>& texts, const std::string& text) {
  for (const SvgText& t : texts)
    if (t.text == text) return true;
  return false;
}

using descent::testing::read_text;

// The numbers gnuplot wrote centred under the plot: the x axis' tick labels.
std::vector<double> x_tick_labels(const std::vector<SvgText>& texts) {
  std::vector<double> ticks;
  for (const SvgText& t : texts) {
    if (t.anchor != "middle" || t.text.empty()) continue;
    char* end = nullptr;
    const double v = std::strtod(t.text.c_str(), &end);
    if (*end == '\0') ticks.push_back(v);
  }
  return ticks;
}

int run_command(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run(args, out, err);
  EXPECT_EQ(status, 0) << err.str();
  return status;
}

void write_metrics(const std::string& path, int epochs) {
  std::ofstream out(path);
  for (int e = 0; e < epochs; ++e)
    out << R"({"epoch":)" << e << R"(,"train_loss":)" << 1.0 / (e + 1) << R"(,"test_accuracy":)" << 0.5 + 0.01 * e
        << "}\n";
}

TEST(Pictures, MetricsTickEpochsAtWholeNumbersAndNameEachAxis) {
  TempDir dir;
  for (int epochs : {3, 30}) {
    const std::string metrics = dir.file(std::to_string(epochs) + ".jsonl");
    write_metrics(metrics, epochs);
    const std::string svg = dir.file(std::to_string(epochs) + ".svg");
    ASSERT_EQ(run_command({"plot", metrics, "--output", svg}), 0);
    const std::vector<SvgText> texts = svg_texts(svg);
    EXPECT_TRUE(has_text(texts, "training loss (left axis)")) << svg;
    EXPECT_TRUE(has_text(texts, "test accuracy (right axis)")) << svg;
    const std::vector<double> ticks = x_tick_labels(texts);
    EXPECT_GE(ticks.size(), 3u) << svg;
    for (double t : ticks) EXPECT_EQ(t, std::round(t)) << svg << ": an epoch tick at " << t;
    // 1, 2, 5, 10, ... apart, at most 10 intervals: 1 for 3 epochs, 5 for 30 (0 to 29).
    const std::string script = plot::gnuplot_script(train::metrics_figure({metrics}), dir.path(), dir.file("p.svg"));
    EXPECT_NE(script.find(epochs == 3 ? "set xtics 1\n" : "set xtics 5\n"), std::string::npos) << script;
  }
}

TEST(Pictures, TraceWithTwoAxesNamesEachSeriesAxis) {
  TempDir dir;
  std::ofstream(dir.file("t.csv")) << "step,\"0.weight[0,0]\",output,loss\n0,0.1,0.5,8\n1,0.09,0.52,7\n2,0.1,0.6,5\n";
  ASSERT_EQ(run_command({"plot", dir.file("t.csv"), "--output", dir.file("t.svg")}), 0);
  const std::vector<SvgText> texts = svg_texts(dir.file("t.svg"));
  for (const char* entry : {"0.weight[0,0] (left axis)", "output (left axis)", "loss (right axis)"})
    EXPECT_TRUE(has_text(texts, entry)) << entry;

  // One axis: the legend names none.
  std::ofstream(dir.file("w.csv")) << "step,\"0.weight[0,0]\",output\n0,0.1,0.5\n1,0.09,0.52\n";
  ASSERT_EQ(run_command({"plot", dir.file("w.csv"), "--output", dir.file("w.svg")}), 0);
  const std::vector<SvgText> one_axis = svg_texts(dir.file("w.svg"));
  EXPECT_TRUE(has_text(one_axis, "output"));
  for (const SvgText& t : one_axis) EXPECT_EQ(t.text.find("axis)"), std::string::npos) << t.text;
}

// A filled contour picture: the grid drawn as an image in bands of a palette, a colour box labelled
// `label`, and the level lines over it.
void expect_filled_contours(const std::string& svg, const std::string& script, const std::string& label) {
  EXPECT_NE(read_text(svg).find("<image"), std::string::npos) << svg << ": no filled colours";
  EXPECT_TRUE(has_text(svg_texts(svg), label)) << svg << ": no colour box label " << label;
  std::string cblabel = "set cblabel '";
  cblabel.append(label).append("'");
  for (const std::string& setting : {std::string("with image"), std::string("set colorbox\n"), cblabel,
                                     std::string("set palette maxcolors 20\n"), std::string("title 'contour lines'")})
    EXPECT_NE(script.find(setting), std::string::npos) << setting << " in\n" << script;
}

TEST(Pictures, MinimizePathsOverFilledContoursWithAColourBox) {
  TempDir dir;
  ASSERT_EQ(run_command({"minimize", "rosenbrock", "--optimizer", "adam", "--lr", "0.1", "--x0", "-1,1.5", "--steps",
                         "30", "--trace", dir.file("r.csv")}),
            0);
  ASSERT_EQ(run_command({"plot", dir.file("r.csv"), "--output", dir.file("r.svg")}), 0);
  const std::string script =
      plot::gnuplot_script(train::trace_figure({dir.file("r.csv")}), dir.path(), dir.file("p.svg"));
  expect_filled_contours(dir.file("r.svg"), script, "f(x, y)");
  EXPECT_NE(script.find("set logscale cb\n"), std::string::npos) << "Rosenbrock's valley takes log levels";
}

TEST(Pictures, LossLandscapePlaneIsFilledWithAColourBox) {
  TempDir dir;
  const std::string config = std::string(DESCENT_SOURCE_DIR) + "/examples/sigmoid_1_1_1/paradox.toml";
  ASSERT_EQ(run_command({"train", config, "--epochs", "3", "--save", dir.file("c.safetensors")}), 0);
  ASSERT_EQ(run_command({"landscape", config, "--checkpoint", dir.file("c.safetensors"), "--direction",
                         "gradient,random", "--points", "9", "--output", dir.file("l.svg")}),
            0);
  const std::vector<SvgText> texts = svg_texts(dir.file("l.svg"));
  EXPECT_NE(read_text(dir.file("l.svg")).find("<image"), std::string::npos);
  EXPECT_TRUE(has_text(texts, "loss"));           // the colour box's label
  EXPECT_TRUE(has_text(texts, "contour lines"));  // and the lines' legend entry
}

}  // namespace
}  // namespace descent::cli
