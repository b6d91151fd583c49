// `descent minimize`, run in-process through descent::cli::run (and once as the real executable): the
// printed walk, the trace file byte by byte and number by number, negative values, the optimizer flags
// passed through, and every kind of bad input (status 2, a message naming what was wrong).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "descent/train/minimize.hpp"
#include "support/descent_exe.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;

using testing::contains;
using testing::expect_bad_input;
using testing::Result;

Result run_minimize(std::vector<std::string> args) {
  args.insert(args.begin(), "minimize");
  return testing::run_cli(args);
}

std::vector<std::string> lines_of(const std::string& text, const std::string& end = "\n") {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(end, start)) != std::string::npos; start = at + end.size())
    lines.push_back(text.substr(start, at - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream s(line);
  for (std::string f; std::getline(s, f, ',');) fields.push_back(f);
  return fields;
}

class MinimizeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("descent_minimize_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

// The brief's example: every step moves toward 0 and the gradient keeps its sign.
TEST_F(MinimizeCliTest, WalksDownTheParabola) {
  const Result r = run_minimize({"x^2", "--optimizer", "sgd", "--lr", "0.1", "--x0", "3", "--steps", "50"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 53u) << r.out;  // a heading, steps 0..50, the final point
  EXPECT_EQ(lines[0], "minimizing x^2 with sgd (lr=0.1), float64");
  EXPECT_EQ(lines[1], "step 0: x = 3, f = 9, grad = 6");
  EXPECT_EQ(lines[2], "step 1: x = 2.4, f = 5.76, grad = 4.8");
  double previous = INFINITY;
  for (int k = 0; k <= 50; ++k) {
    int step = -1;
    double x = 0, f = 0, g = 0;
    ASSERT_EQ(std::sscanf(lines[1 + k].c_str(), "step %d: x = %lf, f = %lf, grad = %lf", &step, &x, &f, &g), 4)
        << lines[1 + k];
    EXPECT_EQ(step, k);
    EXPECT_GT(x, 0) << "step " << k;
    EXPECT_LT(x, previous) << "step " << k;
    EXPECT_GT(g, 0) << "step " << k;  // the gradient 2x never changes sign
    EXPECT_NEAR(x, 3 * std::pow(0.8, k), 1e-9 * std::pow(0.8, k));
    EXPECT_NEAR(f, x * x, 1e-9 * x * x);
    previous = x;
  }
  EXPECT_TRUE(lines[52].starts_with("final after 50 steps: x = 4.28")) << lines[52];
}

TEST_F(MinimizeCliTest, EveryKthStep) {
  const Result r =
      run_minimize({"x^2", "--optimizer", "sgd", "--lr", "0.1", "--x0", "3", "--steps", "25", "--every", "10"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> steps;
  for (const std::string& line : lines_of(r.out))
    if (line.starts_with("step ")) steps.push_back(line.substr(0, line.find(':')));
  EXPECT_EQ(steps, (std::vector<std::string>{"step 0", "step 10", "step 20"}));
  EXPECT_TRUE(contains(r.out, "final after 25 steps: x = ")) << r.out;
}

TEST_F(MinimizeCliTest, TestFunctionShowsItsKnownMinimum) {
  const Result r =
      run_minimize({"booth", "--optimizer", "sgd", "--lr", "0.05", "--x0", "-3,4", "--steps", "300", "--every", "100"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "step 0: (x, y) = (-3, 4), f = ")) << r.out;
  EXPECT_TRUE(contains(r.out, "final after 300 steps: (x, y) = (1, 3)")) << r.out;  // to 10 digits
  EXPECT_TRUE(contains(r.out, "known minimum: f = 0 at (x, y) = (1, 3)\n")) << r.out;
}

TEST_F(MinimizeCliTest, NegativeValuesAreValuesNotFlags) {
  Result r = run_minimize({"x^2 + y^2", "--optimizer", "sgd", "--x0", "-1,2", "--lr", "0.1", "--steps", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "step 0: (x, y) = (-1, 2), f = 5, grad = (-2, 4)")) << r.out;
  r = run_minimize({"x^2", "--optimizer", "sgd", "--x0", "-1.5e-1", "--lr", "1", "--steps", "0"});
  EXPECT_TRUE(contains(r.out, "step 0: x = -0.15")) << r.out << r.err;
  r = run_minimize({"x^2", "--optimizer", "sgd", "--x0=-2", "--lr=0.25", "--steps", "1"});
  EXPECT_TRUE(contains(r.out, "step 1: x = -1,")) << r.out << r.err;
  // A negative learning rate is read as a value, then rejected by the optimizer's check.
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--lr", "-0.1", "--x0", "1", "--steps", "1"}), "lr >= 0");
  const Result negative = run_minimize({"x^2", "--optimizer", "sgd", "--lr", "-0.1", "--x0", "1", "--steps", "1"});
  EXPECT_FALSE(contains(negative.err, "unknown option")) << negative.err;
}

TEST_F(MinimizeCliTest, ExpressionStartingWithMinusGoesAfterDoubleDash) {
  const Result r = run_minimize({"--optimizer", "sgd", "--lr", "0.1", "--x0", "-1", "--steps", "1", "--", "-x^2"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "step 0: x = -1, f = -1, grad = 2")) << r.out;  // -(x^2)
  expect_bad_input(run_minimize({"-x^2", "--optimizer", "sgd", "--x0", "1", "--steps", "1"}),
                   "unknown option -x^2 for 'descent minimize' (an argument that starts with '-' goes after --)");
}

// Switches and valued flags reach the optimizer: SGD with Nesterov momentum on x^2/2 (gradient x),
// two steps by hand as in tests/optim/sgd_test.cpp: 2 -> 1.62 -> 1.1502.
TEST_F(MinimizeCliTest, OptimizerFlagsArePassedThrough) {
  Result r = run_minimize(
      {"x^2/2", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9", "--nesterov", "--x0", "2", "--steps", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sgd (lr=0.1, momentum=0.9, nesterov=true)")) << r.out;
  EXPECT_TRUE(contains(r.out, "step 1: x = 1.62,")) << r.out;
  EXPECT_TRUE(contains(r.out, "step 2: x = 1.1502,")) << r.out;
  // maximize climbs: on -(x^2) it goes toward 0 as descent would on x^2.
  r = run_minimize({"0 - x^2", "--optimizer", "sgd", "--lr", "0.1", "--maximize", "--x0", "2", "--steps", "1"});
  EXPECT_TRUE(contains(r.out, "step 1: x = 1.6,")) << r.out << r.err;
  // --weight-decay: g = 2x + 0.5x at x = 2 is 5, so x1 = 2 - 0.5.
  r = run_minimize({"x^2", "--optimizer", "sgd", "--lr", "0.1", "--weight-decay", "0.5", "--x0", "2", "--steps", "1"});
  EXPECT_TRUE(contains(r.out, "step 1: x = 1.5,")) << r.out << r.err;
  r = run_minimize({"x^2", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9", "--dampening", "0.5", "--x0", "2",
                    "--steps", "0"});
  EXPECT_TRUE(contains(r.out, "(lr=0.1, momentum=0.9, dampening=0.5)")) << r.out << r.err;
}

TEST_F(MinimizeCliTest, Float32) {
  const Result r =
      run_minimize({"x^2", "--optimizer", "sgd", "--lr", "0.1", "--x0", "0.1", "--steps", "1", "--dtype", "float32"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "with sgd (lr=0.1), float32")) << r.out;
  EXPECT_TRUE(contains(r.out, "step 0: x = 0.1, f = 0.010000001, grad = 0.2")) << r.out;  // float32's 0.1f^2
}

// ---- the trace ----

TEST_F(MinimizeCliTest, TraceFileFormat) {
  const std::string path = (dir_ / "walk.csv").string();
  const Result r =
      run_minimize({"x^2 + y^2", "--optimizer", "sgd", "--lr", "0.1", "--x0", "3,-1", "--steps", "2", "--trace", path});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = read(path);
  EXPECT_TRUE(text.ends_with("\r\n"));
  const std::vector<std::string> lines = lines_of(text, "\r\n");
  ASSERT_EQ(lines.size(), 8u) << text;
  EXPECT_EQ(lines[0], "# descent minimize 'x^2 + y^2' --optimizer sgd --lr 0.1 --x0 3,-1 --steps 2 --trace " + path);
  EXPECT_EQ(lines[1], "# x^2 + y^2 with sgd (lr=0.1), float64, 2 steps");
  EXPECT_TRUE(lines[2].starts_with("# row k: the point after k steps")) << lines[2];
  EXPECT_EQ(lines[3], "# function: x^2 + y^2");  // what descent plot evaluates for the contour lines
  EXPECT_EQ(lines[4], "step,x,y,loss,grad_norm");
  EXPECT_EQ(lines[5], "0,3,-1,10,6.324555320336759");
  EXPECT_EQ(lines[6], "1,2.3999999999999999,-0.80000000000000004,6.4000000000000004,5.0596442562694071");
  for (const std::string& line : lines) EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // no temporary left
}

// Every number in the trace reads back as exactly the double (or float) the library computed.
TEST_F(MinimizeCliTest, TraceNumbersRoundTrip) {
  for (const std::string dtype : {"float64", "float32"}) {
    const std::string path = (dir_ / ("walk_" + dtype + ".csv")).string();
    const Result r = run_minimize({"rosenbrock", "--optimizer", "sgd", "--lr", "0.001", "--momentum", "0.9", "--x0",
                                   "-1.5,2", "--steps", "40", "--dtype", dtype, "--trace", path});
    ASSERT_EQ(r.status, 0) << r.err;

    const Dtype d = dtype == "float32" ? Dtype::Float32 : Dtype::Float64;
    std::vector<train::MinimizePoint> expected;
    train::minimize(
        functions::Objective("rosenbrock"), {.name = "sgd", .options = {{"lr", "0.001"}, {"momentum", "0.9"}}},
        {.x0 = {-1.5, 2}, .steps = 40, .dtype = d}, [&](const train::MinimizePoint& p) { expected.push_back(p); });

    std::vector<std::string> rows;
    for (const std::string& line : lines_of(read(path), "\r\n"))
      if (!line.starts_with("#") && !line.starts_with("step")) rows.push_back(line);
    ASSERT_EQ(rows.size(), expected.size()) << dtype;
    const std::size_t digits = d == Dtype::Float32 ? 9 : 17;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::vector<std::string> f = fields_of(rows[k]);
      ASSERT_EQ(f.size(), 5u) << rows[k];
      EXPECT_EQ(f[0], std::to_string(k));
      const std::vector<double> want = {expected[k].x[0], expected[k].x[1], expected[k].loss, expected[k].grad_norm};
      for (std::size_t i = 0; i < want.size(); ++i) {
        const char* text = f[i + 1].c_str();
        if (d == Dtype::Float32) EXPECT_EQ(std::strtof(text, nullptr), static_cast<float>(want[i])) << text;
        else EXPECT_EQ(std::strtod(text, nullptr), want[i]) << text;
        const std::string mantissa = f[i + 1].substr(0, f[i + 1].find('e'));
        EXPECT_LE(std::count_if(mantissa.begin(), mantissa.end(), ::isdigit), static_cast<long>(digits)) << f[i + 1];
      }
    }
  }
}

TEST_F(MinimizeCliTest, TraceCommandIsQuotedForTheShell) {
  const std::string path = (dir_ / "it's.csv").string();
  const Result r = run_minimize({"x*y", "--optimizer", "sgd", "--x0", "1,1", "--steps", "0", "--trace", path});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string first = lines_of(read(path), "\r\n")[0];
  EXPECT_EQ(first, "# descent minimize 'x*y' --optimizer sgd --x0 1,1 --steps 0 --trace '" +
                       (dir_ / "it'\\''s.csv").string() + "'");
}

TEST_F(MinimizeCliTest, BadInputWritesNoTrace) {
  const std::string path = (dir_ / "walk.csv").string();
  expect_bad_input(
      run_minimize({"x^2", "--optimizer", "sgd", "--lr", "-1", "--x0", "1", "--steps", "3", "--trace", path}),
      "lr >= 0");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(MinimizeCliTest, UnwritableTrace) {
  const std::string path = (dir_ / "missing" / "walk.csv").string();
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--x0", "1", "--steps", "1", "--trace", path}),
                   path + ": cannot write the trace");
}

// ---- bad input ----

TEST_F(MinimizeCliTest, UnknownOptimizer) {
  expect_bad_input(run_minimize({"x^2", "--optimizer", "adamx", "--x0", "1", "--steps", "1"}),
                   "--optimizer = adamx: expected one of sgd, adagrad, adadelta, rmsprop, adam, adamw");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "SGD", "--x0", "1", "--steps", "1"}),
                   "--optimizer = SGD: expected");
}

TEST_F(MinimizeCliTest, OptionTheOptimizerDoesNotHave) {
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--rho", "0.9", "--x0", "1", "--steps", "1"}),
                   "--rho is not an option of sgd (sgd takes --lr, --momentum, --dampening, --weight-decay, "
                   "--nesterov, --maximize)");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--amsgrad", "--x0", "1", "--steps", "1"}),
                   "--amsgrad is not an option of sgd");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--betas", "0.9,0.99", "--x0", "1", "--steps", "1"}),
                   "--betas is not an option of sgd");
}

TEST_F(MinimizeCliTest, BadOptionValues) {
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--lr", "fast", "--x0", "1", "--steps", "1"}),
                   "lr = fast: expected a number");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--nesterov", "--x0", "1", "--steps", "1"}),
                   "SGD: nesterov = true: expected nesterov = true only with momentum > 0");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--x0", "1", "--steps", "1", "--lr"}),
                   "--lr: 1 required");
}

TEST_F(MinimizeCliTest, MalformedExpressionShowsWhere) {
  const Result r = run_minimize({"x^^2", "--optimizer", "sgd", "--x0", "1", "--steps", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "descent: expression \"x^^2\", column 3: expected a number, a variable, a function or '(', found '^'\n"
            "  x^^2\n"
            "    ^\n");
}

TEST_F(MinimizeCliTest, UnknownNamesAreNamed) {
  Result r = run_minimize({"x + w", "--optimizer", "sgd", "--x0", "1", "--steps", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.err.starts_with("descent: expression \"x + w\", column 5: unknown variable 'w'")) << r.err;
  r = run_minimize({"foo(x)", "--optimizer", "sgd", "--x0", "1", "--steps", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "unknown function 'foo' (functions: exp, log, sqrt")) << r.err;
  expect_bad_input(run_minimize({"rosenbrok", "--optimizer", "sgd", "--x0", "1,1", "--steps", "1"}),
                   "\"rosenbrok\" is neither a test function (quadratic, rosenbrock");
}

TEST_F(MinimizeCliTest, X0LengthMismatch) {
  expect_bad_input(run_minimize({"rosenbrock", "--optimizer", "sgd", "--x0", "1", "--steps", "1"}),
                   "--x0 = 1: rosenbrock takes 2 variables (x, y), got 1");
  expect_bad_input(run_minimize({"x*y", "--optimizer", "sgd", "--x0", "1", "--steps", "1"}),
                   "--x0 = 1: expression \"x*y\" uses y, so it needs 2 variables (x, y), got 1");
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1,2,3,4", "--steps", "1"}),
                   "--x0 = 1,2,3,4: expression \"x\": expressions take at most 3 variables (x, y, z), got 4");
}

TEST_F(MinimizeCliTest, MalformedX0) {
  for (const char* x0 : {"1,,2", "1,a", "", ",", "1,2,", "0x10"})
    expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", x0, "--steps", "1"}),
                     "--x0 = " + std::string(x0) + ": expected numbers separated by commas");
}

TEST_F(MinimizeCliTest, MissingRequiredFlags) {
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--x0", "1"}), "--steps is required");
  expect_bad_input(run_minimize({"x^2", "--optimizer", "sgd", "--steps", "1"}), "--x0 is required");
  expect_bad_input(run_minimize({"x^2", "--x0", "1", "--steps", "1"}), "--optimizer is required");
  expect_bad_input(run_minimize({"--optimizer", "sgd", "--x0", "1", "--steps", "1"}), "FUNCTION is required");
}

TEST_F(MinimizeCliTest, BadCountsAndDtype) {
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1", "--steps", "-1"}),
                   "--steps = -1: expected an integer >= 0");
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1", "--steps", "2.5"}),
                   "--steps = 2.5: expected an integer >= 0");
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1", "--steps", "1", "--every", "0"}),
                   "--every = 0: expected an integer >= 1");
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1", "--steps", "1", "--dtype", "float16"}),
                   "--dtype = float16: expected float32 or float64");
}

TEST_F(MinimizeCliTest, UnknownFlagGetsASuggestion) {
  expect_bad_input(run_minimize({"x", "--optimizer", "sgd", "--x0", "1", "--steps", "1", "--moment", "0.9"}),
                   "unknown option --moment for 'descent minimize' (did you mean --momentum?)");
}

TEST_F(MinimizeCliTest, HelpDescribesEverything) {
  const Result r = run_minimize({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  for (const char* part : {"FUNCTION",
                           "--optimizer",
                           "--lr",
                           "--momentum",
                           "--dampening",
                           "--nesterov",
                           "--weight-decay",
                           "--maximize",
                           "--lr-decay",
                           "--initial-accumulator-value",
                           "--rho",
                           "--eps",
                           "--alpha",
                           "--centered",
                           "--betas",
                           "--amsgrad",
                           "--x0",
                           "--steps",
                           "--every",
                           "--dtype",
                           "--trace",
                           "quadratic",
                           "rosenbrock",
                           "beale",
                           "booth",
                           "himmelblau",
                           "rastrigin",
                           "sgd",
                           "adagrad",
                           "adadelta",
                           "rmsprop",
                           "adam",
                           "adamw",
                           "-x^2 = -(x^2)",
                           "exp log sqrt sin cos",
                           "RFC 4180",
                           "step,x,y,loss,grad_norm",
                           "17 significant digits",
                           "Exit status",
                           "2  bad input"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
  const Result top = run_minimize({});  // "descent minimize" alone reports the missing pieces
  EXPECT_EQ(top.status, 2);
}

TEST_F(MinimizeCliTest, TopLevelHelpListsMinimize) {
  std::ostringstream out, err;
  EXPECT_EQ(run({"--help"}, out, err), 0);
  EXPECT_TRUE(contains(out.str(), "descent minimize FUNCTION [--optimizer NAME]")) << out.str();
  EXPECT_TRUE(contains(out.str(), "--betas B1,B2")) << out.str();
}

TEST_F(MinimizeCliTest, ExecutableExitStatuses) {
  const std::string exe = descent::testing::quoted_descent_exe() + " minimize ";
  auto status = [](const std::string& command) {
    const int raw = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  EXPECT_EQ(status(exe + "'x^2' --optimizer sgd --lr 0.1 --x0 -3 --steps 5"), 0);
  EXPECT_EQ(status(exe + "'x^^2' --optimizer sgd --x0 1 --steps 5"), 2);
  EXPECT_EQ(status(exe + "'x^2' --optimizer sgd --x0 1"), 2);
  EXPECT_EQ(status(exe + "--help"), 0);
}

}  // namespace
}  // namespace descent::cli
