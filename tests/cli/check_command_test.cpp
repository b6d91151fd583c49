// `descent check`: run in-process through descent::cli::run, plus the real executable for the exit
// status a shell sees. Tests that need Fashion-MNIST skip, saying so, when Debian's package is absent.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "descent/data/dataset.hpp"
#include "support/descent_exe.hpp"
#include "support/text.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;

using descent::testing::kFashionMnist;

using testing::contains;
using testing::expect_bad_input;
using testing::Result;
using testing::run_cli;

std::string source_path(const std::string& relative) { return std::string(DESCENT_SOURCE_DIR) + "/" + relative; }

class CheckCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("descent_check_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_config(const std::string& text) {
    const fs::path path = dir_ / "cfg.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  static bool have_data() { return data::has_idx_files(kFashionMnist); }

  fs::path dir_;
};

std::string skip_message() {
  return std::string("Fashion-MNIST is not installed in ") + kFashionMnist +
         " (apt-get install dataset-fashion-mnist); this test needs a real batch";
}

TEST_F(CheckCommandTest, NielsenConfigPasses) {
  if (!have_data()) GTEST_SKIP() << skip_message();
  const Result r = run_cli({"check", source_path("examples/nielsen/config.toml"), "--data-dir", kFashionMnist});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* part : {"Gradient check", "0.weight", "[30, 784]", "2.bias", "Descent direction", "configured lr",
                           "cos(d, -g)", "Result: passed"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
  EXPECT_FALSE(contains(r.out, "FAIL")) << r.out;
}

TEST_F(CheckCommandTest, MaximizeFailsTheDescentCheck) {
  if (!have_data()) GTEST_SKIP() << skip_message();
  const std::string path =
      write_config("[model]\nlayers = [784, 16, 10]\n[optim]\nlr = 0.5\nmaximize = true\n[data]\ntrain_limit = 200\n");
  const Result r = run_cli({"check", path, "--data-dir", kFashionMnist, "--samples", "20"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "FAILED 0.weight: the update goes uphill: the optimizer moves 0.weight along +g"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "maximize = true")) << r.out;
  EXPECT_TRUE(contains(r.out, "Result: FAILED")) << r.out;
  // the gradients themselves are right
  EXPECT_FALSE(contains(r.out, "analytic gradient")) << r.out;
}

TEST_F(CheckCommandTest, FlagsChooseBatchSamplesAndSeed) {
  if (!have_data()) GTEST_SKIP() << skip_message();
  const std::string path = write_config("[model]\nlayers = [784, 8, 10]\n[data]\ntrain_limit = 100\n");
  const Result r =
      run_cli({"check", path, "--data-dir", kFashionMnist, "--batch", "4", "--samples", "0", "--seed", "7"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "the first 4 examples training draws with seed 7")) << r.out;
  EXPECT_TRUE(contains(r.out, "every element")) << r.out;
  EXPECT_TRUE(contains(r.out, "6272")) << r.out;  // every element of 0.weight, (8, 784), was checked
}

TEST_F(CheckCommandTest, ExecutableExitsOneOnMaximize) {
  if (!have_data()) GTEST_SKIP() << skip_message();
  const std::string path =
      write_config("[model]\nlayers = [784, 8, 10]\n[optim]\nmaximize = true\n[data]\ntrain_limit = 50\n");
  const std::string command = descent::testing::quoted_descent_exe() + " check '" + path + "' --data-dir " +
                              kFashionMnist + " --samples 10 >/dev/null 2>&1";
  const int raw = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 1);
}

TEST_F(CheckCommandTest, HelpDescribesTheCheck) {
  const Result r = run_cli({"check", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* part : {"CONFIG", "--data-dir", "--batch", "--samples", "--seed", "goes uphill", "Exit status"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
  const Result top = run_cli({"--help"});
  EXPECT_TRUE(contains(top.out, "descent check")) << top.out;
}

TEST_F(CheckCommandTest, MissingConfigArgument) {
  expect_bad_input(run_cli({"check"}), "CONFIG is required; run 'descent check --help' for usage");
}

TEST_F(CheckCommandTest, MissingConfigFile) {
  const std::string path = (dir_ / "missing.toml").string();
  expect_bad_input(run_cli({"check", path}), path + ": cannot open config file");
}

TEST_F(CheckCommandTest, InvalidConfig) {
  const std::string path = write_config("[model]\nlayers = [784, 30, 10]\n[optim]\nlr = -0.1\n");
  expect_bad_input(run_cli({"check", path}), path + ": optim.lr = -0.1: expected lr >= 0");
}

TEST_F(CheckCommandTest, BadFlagValues) {
  const std::string path = write_config("[model]\nlayers = [784, 30, 10]\n");
  expect_bad_input(run_cli({"check", path, "--batch", "0"}), "--batch = 0: expected an integer >= 1");
  expect_bad_input(run_cli({"check", path, "--samples", "-3"}), "--samples = -3: expected an integer >= 0");
  expect_bad_input(run_cli({"check", path, "--seed", "x"}), "--seed = x: expected an integer >= 0");
  expect_bad_input(run_cli({"check", path, "--sample", "3"}),
                   "unknown option --sample for 'descent check' (did you mean --samples?)");
}

TEST_F(CheckCommandTest, DataDirWithoutData) {
  const std::string empty = (dir_ / "no-data").string();
  fs::create_directories(empty);
  expect_bad_input(run_cli({"check", write_config("[model]\nlayers = [784, 30, 10]\n"), "--data-dir", empty}),
                   "no data set in " + empty);
}

TEST_F(CheckCommandTest, InputSizeMismatch) {
  if (!have_data()) GTEST_SKIP() << skip_message();
  const std::string path = write_config("[model]\nlayers = [100, 10]\n[data]\ntrain_limit = 10\n");
  expect_bad_input(run_cli({"check", path, "--data-dir", kFashionMnist}),
                   "model.layers[0] = 100: expected the input size of the data, 784");
}

TEST_F(CheckCommandTest, ExecutableExitsTwoOnBadInput) {
  const std::string command =
      descent::testing::quoted_descent_exe() + " check '" + (dir_ / "missing.toml").string() + "' >/dev/null 2>&1";
  const int raw = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 2);
}

}  // namespace
}  // namespace descent::cli
