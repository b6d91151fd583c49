// The descent command line, run in-process through descent::cli::run, plus the real executable for the
// exit status a shell sees. Every bad input exits 2 with one line "descent: <message>" on stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "support/descent_exe.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;

using testing::contains;
using testing::expect_bad_input;
using testing::Result;
using testing::run_cli;

// A config file in a fresh temporary directory, removed with the fixture.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("descent_cli_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_config(const std::string& text, const std::string& name = "cfg.toml") {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string valid_config() { return write_config("[model]\nlayers = [784, 30, 10]\n"); }

  fs::path dir_;
};

TEST_F(CliTest, HelpExitsZeroAndMentionsEveryFlag) {
  const Result r = run_cli({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  for (const char* part : {"train", "CONFIG", "--data-dir", "--epochs", "--seed", "--threads", "--metrics",
                           "$DESCENT_DATA", "/usr/share/datasets/fashion-mnist", "Exit status", "2  bad input"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
}

TEST_F(CliTest, TrainHelpExitsZeroAndMentionsEveryFlag) {
  const Result r = run_cli({"train", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* part : {"CONFIG", "--data-dir", "--epochs", "--seed", "--threads", "--metrics", "$DESCENT_DATA",
                           "/usr/share/datasets/fashion-mnist", "Exit status", "overrides train.epochs"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
}

TEST_F(CliTest, NoCommandPrintsHelpAndExitsTwo) {
  const Result r = run_cli({});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "train")) << r.err;
  EXPECT_TRUE(contains(r.err, "descent: missing a command")) << r.err;
}

TEST_F(CliTest, UnknownCommand) { expect_bad_input(run_cli({"trian"}), "unknown command trian (commands: train, "); }

TEST_F(CliTest, UnknownTopLevelOption) { expect_bad_input(run_cli({"--verbose"}), "unknown option --verbose"); }

TEST_F(CliTest, MissingConfigArgument) {
  expect_bad_input(run_cli({"train"}), "CONFIG is required; run 'descent train --help' for usage");
}

TEST_F(CliTest, MissingConfigFile) {
  const std::string path = (dir_ / "missing.toml").string();
  expect_bad_input(run_cli({"train", path}), path + ": cannot open config file");
}

TEST_F(CliTest, InvalidConfig) {
  const std::string path = write_config("[model]\nlayers = [784, 30, 10]\n[optim]\nlr = -0.1\n");
  expect_bad_input(run_cli({"train", path}), path + ": optim.lr = -0.1: expected lr >= 0");
}

TEST_F(CliTest, ConfigSyntaxError) {
  const std::string path = write_config("[model]\nlayers = [784, 30, 10\n");
  expect_bad_input(run_cli({"train", path}), ": TOML syntax error: ");
}

TEST_F(CliTest, InvalidConfigKeyEvenWhenAFlagOverridesIt) {
  const std::string path = write_config("[model]\nlayers = [784, 30, 10]\n[train]\nepochs = 0\n");
  expect_bad_input(run_cli({"train", path, "--epochs", "3"}), "train.epochs = 0: expected epochs >= 1");
}

TEST_F(CliTest, UnknownFlagIsNamed) {
  expect_bad_input(run_cli({"train", valid_config(), "--epoch", "3"}),
                   "unknown option --epoch for 'descent train' (did you mean --epochs?)");
}

TEST_F(CliTest, UnknownFlagBeforeConfig) {
  expect_bad_input(run_cli({"train", "--epoch", "3", valid_config()}), "unknown option --epoch");
}

TEST_F(CliTest, UnknownFlagWithEquals) {
  expect_bad_input(run_cli({"train", valid_config(), "--thread=2"}), "unknown option --thread for");
}

TEST_F(CliTest, ExtraPositionalArgument) {
  expect_bad_input(run_cli({"train", valid_config(), "other.toml"}), "unexpected argument other.toml");
}

TEST_F(CliTest, FlagWithoutValue) {
  const Result r = run_cli({"train", valid_config(), "--epochs"});
  expect_bad_input(r, "--epochs");
  EXPECT_TRUE(contains(r.err, "descent train --help")) << r.err;
}

TEST_F(CliTest, ZeroEpochs) {
  expect_bad_input(run_cli({"train", valid_config(), "--epochs", "0"}), "--epochs = 0: expected an integer >= 1");
}

TEST_F(CliTest, NegativeEpochs) {
  expect_bad_input(run_cli({"train", valid_config(), "--epochs", "-2"}), "--epochs = -2: expected an integer >= 1");
}

TEST_F(CliTest, NegativeThreads) {
  expect_bad_input(run_cli({"train", valid_config(), "--threads", "-1"}), "--threads = -1: expected an integer >= 1");
}

TEST_F(CliTest, SeedNotANumber) {
  expect_bad_input(run_cli({"train", valid_config(), "--seed", "abc"}), "--seed = abc: expected an integer >= 0");
}

TEST_F(CliTest, NegativeSeed) {
  expect_bad_input(run_cli({"train", valid_config(), "--seed=-1"}), "--seed = -1: expected an integer >= 0");
}

TEST_F(CliTest, FractionalEpochs) {
  expect_bad_input(run_cli({"train", valid_config(), "--epochs", "2.5"}), "--epochs = 2.5: expected an integer >= 1");
}

TEST_F(CliTest, DataDirWithoutData) {
  const std::string empty = (dir_ / "no-data").string();
  fs::create_directories(empty);
  const Result r = run_cli({"train", valid_config(), "--data-dir", empty, "--epochs", "1"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(r.err.starts_with("descent: ")) << r.err;
}

// The real executable, as a shell sees it.
int shell_status(const std::string& command) {
  int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string shell_output(const std::string& command, int& status) {
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  int raw = ::pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return text;
}

TEST_F(CliTest, ExecutableExitsTwoOnUnknownFlag) {
  int status = -1;
  const std::string text = shell_output(
      descent::testing::quoted_descent_exe() + " train '" + valid_config() + "' --epoch 3 2>&1 >/dev/null", status);
  EXPECT_EQ(status, 2);
  EXPECT_TRUE(contains(text, "descent: unknown option --epoch")) << text;
}

TEST_F(CliTest, ExecutableHelpExitsZero) {
  EXPECT_EQ(shell_status(descent::testing::quoted_descent_exe() + " --help >/dev/null 2>&1"), 0);
  EXPECT_EQ(shell_status(descent::testing::quoted_descent_exe() + " >/dev/null 2>&1"), 2);
}

}  // namespace
}  // namespace descent::cli
