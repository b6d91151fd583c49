// `descent plot`: real gnuplot pictures from metrics and trace files, checked as PNG and SVG files.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/diagnostics/plot.hpp"
#include "descent/train/trace_figures.hpp"

namespace descent::cli {
namespace {

using data::testing::TempDir;

struct Png {
  bool valid = false;
  std::uint32_t width = 0, height = 0;
};

// The PNG signature and the IHDR chunk's width and height (big-endian).
Png read_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[24] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Png png;
  png.valid =
      in.gcount() == 24 && std::equal(signature, signature + 8, head) && std::string(head + 12, head + 16) == "IHDR";
  png.width = (head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19];
  png.height = (head[20] << 24) | (head[21] << 16) | (head[22] << 8) | head[23];
  return png;
}

int run_plot(const std::vector<std::string>& args, std::string* err_text = nullptr) {
  std::ostringstream out, err;
  const int status = run(args, out, err);
  if (err_text) *err_text = err.str();
  return status;
}

class PlotCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.file("m.jsonl"))
        << R"({"epoch":0,"train_loss":0.2,"test_accuracy":0.9,"test_correct":9,"test_total":10})"
           "\n"
        << R"({"epoch":1,"train_loss":0.1,"test_accuracy":0.95,"test_correct":9,"test_total":10})"
           "\n";
    std::ofstream(dir_.file("t.csv"))
        << "# seed 1\nstep,\"0.weight[0,0]\",output,loss\n0,0.1,0.5,0.08\n1,0.09,0.52,0.07\n2,0.1,0.6,0.05\n";
  }
  TempDir dir_;
};

TEST_F(PlotCommandTest, MetricsToPng) {
  ASSERT_EQ(run_plot({"plot", dir_.file("m.jsonl"), "--output", dir_.file("m.png")}), 0);
  const Png png = read_png(dir_.file("m.png"));
  EXPECT_TRUE(png.valid);
  EXPECT_GE(png.width, 640u);
  EXPECT_GE(png.height, 480u);
}

TEST_F(PlotCommandTest, TraceToSvgWithTitleLabelsAndLegend) {
  ASSERT_EQ(run_plot({"plot", dir_.file("t.csv"), "--output", dir_.file("t.svg"), "--title", "My weights"}), 0);
  std::ifstream in(dir_.file("t.svg"));
  const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  for (const char* text : {"My weights", "step", "0.weight[0,0]", "output", "loss"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
}

TEST_F(PlotCommandTest, BadExtensionIsBadInput) {
  std::string err;
  EXPECT_EQ(run_plot({"plot", dir_.file("m.jsonl"), "--output", dir_.file("m.gif")}, &err), 2);
  EXPECT_NE(err.find("m.gif: expected an output file ending in .png or .svg"), std::string::npos) << err;
}

TEST_F(PlotCommandTest, MissingFileIsBadInput) {
  std::string err;
  EXPECT_EQ(run_plot({"plot", dir_.file("nope.csv"), "--output", dir_.file("x.png")}, &err), 2);
  EXPECT_NE(err.find("nope.csv: cannot open"), std::string::npos) << err;
}

TEST_F(PlotCommandTest, MalformedTraceNamesTheLine) {
  std::ofstream(dir_.file("bad.csv")) << "step,x,loss\n0,1,2\n1,abc,3\n";
  std::string err;
  EXPECT_EQ(run_plot({"plot", dir_.file("bad.csv"), "--output", dir_.file("x.png")}, &err), 2);
  EXPECT_NE(err.find("bad.csv:3: \"abc\" is not a number"), std::string::npos) << err;
}

TEST(PlotScript, ColumnNamesCannotEndAGnuplotCommand) {
  // A quoted CSV field may hold a newline: in the script it would end the title's string and run the
  // rest of the name as gnuplot commands (system("...") runs a shell).
  TempDir dir;
  std::ofstream(dir.file("evil.csv")) << "step,\"w\nsystem('touch pwned')\"\n0,1\n1,2\n";
  const std::string script = plot::gnuplot_script(train::trace_figure({dir.file("evil.csv")}), dir.path(), "p.svg");
  EXPECT_EQ(script.find("\nsystem"), std::string::npos) << script;
  EXPECT_NE(script.find("title 'w system(''touch pwned'')'"), std::string::npos) << script;
}

}  // namespace
}  // namespace descent::cli
