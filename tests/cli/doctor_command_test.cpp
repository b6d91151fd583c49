// `descent doctor` and `descent train --diagnose` on configs with their data written inline: the exit
// statuses (0 healthy, 1 a problem, 2 bad input naming the flag, file or key), the JSON file, and the
// findings array of the metrics lines.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

// A 2 -> 32 -> 32 -> 1 MLP with no activation on the saddle z = x y (examples/faults/): linear_model.
const std::string kLinearModel = std::string(DESCENT_SOURCE_DIR) + "/examples/faults/linear_model_mlp.toml";

// XOR as a regression, 2 -> 8 -> 1 with tanh, 3 epochs of 2 batches.
constexpr const char* kXor =
    "[model]\nlayers = [2, 8, 1]\nactivation = \"tanh\"\n[loss]\nname = \"mse\"\n[optim]\nname = \"sgd\"\nlr = 0.1\n"
    "[data]\ninputs = [[0, 0], [0, 1], [1, 0], [1, 1]]\ntargets = [[0], [1], [1], [0]]\n[train]\nepochs = 3\n"
    "batch_size = 2\n";

class DoctorCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_doctor_command_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // The linear-model config with relu between its layers: healthy.
  std::string relu_config() {
    std::ifstream in(kLinearModel);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    s.replace(s.find("activation = \"none\""), 19, "activation = \"relu\"");
    return write("relu.toml", s);
  }

  fs::path dir_;
};

TEST_F(DoctorCommand, AProblemExitsOne) {
  const std::string json = (dir_ / "verdict.json").string();
  const Result r = run_cli({"doctor", kLinearModel, "--json", json});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "Verdict: linear_model (root cause)")) << r.out;
  EXPECT_TRUE(contains(r.out, "fix: put an activation (relu) after every hidden layer (model.activation = \"relu\")"))
      << r.out;
  std::ifstream file(json);
  ASSERT_TRUE(file) << json;
  const nlohmann::json j = nlohmann::json::parse(file);
  EXPECT_EQ(j.at("healthy"), false);
  EXPECT_EQ(j.at("findings").at(0).at("cause"), "linear_model");
}

TEST_F(DoctorCommand, AHealthyRunExitsZero) {
  const Result r = run_cli({"doctor", relu_config(), "--max-steps", "200", "--seed", "1"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "up to 200 of 800 planned updates")) << r.out;
  EXPECT_TRUE(contains(r.out, "Verdict: healthy")) << r.out;
}

TEST_F(DoctorCommand, BadFlagsAndAMissingConfigExitTwoNamingThem) {
  expect_bad_input(run_cli({"doctor", kLinearModel, "--max-steps", "0"}), "--max-steps = 0: expected an integer >= 1");
  expect_bad_input(run_cli({"doctor", kLinearModel, "--max-steps", "ten"}),
                   "--max-steps = ten: expected an integer >= 1");
  expect_bad_input(run_cli({"doctor", kLinearModel, "--seed", "-1"}), "--seed = -1: expected an integer >= 0");
  expect_bad_input(run_cli({"doctor", kLinearModel, "--threads", "0"}), "--threads = 0: expected an integer >= 1");
  expect_bad_input(run_cli({"doctor", kLinearModel, "--max-step", "3"}), "--max-step");
  expect_bad_input(run_cli({"doctor"}), "CONFIG is required");
  const std::string missing = (dir_ / "missing.toml").string();
  expect_bad_input(run_cli({"doctor", missing}), missing + ": cannot open config file");
}

TEST_F(DoctorCommand, TheExecutableExitsTwoOnAMissingConfig) {
  const std::string command =
      descent::testing::quoted_descent_exe() + " doctor '" + (dir_ / "missing.toml").string() + "' >/dev/null 2>&1";
  const int raw = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 2);
}

TEST_F(DoctorCommand, HelpListsTheFlags) {
  const Result r = run_cli({"doctor", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* part : {"CONFIG", "--data-dir", "--seed", "--max-steps", "--json", "--try-fix", "Exit status"})
    EXPECT_TRUE(contains(r.out, part)) << part << " missing from:\n" << r.out;
}

// The JSON lines of a metrics file, parsed.
std::vector<nlohmann::json> metrics_of(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST_F(DoctorCommand, TrainDiagnoseAddsFindingsToEveryMetricsLine) {
  const std::string metrics = (dir_ / "metrics.jsonl").string();
  const Result r = run_cli({"train", write("xor.toml", kXor), "--diagnose", "--metrics", metrics});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const auto lines = metrics_of(metrics);
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    ASSERT_TRUE(line.contains("findings")) << line.dump();
    EXPECT_TRUE(line.at("findings").is_array()) << line.dump();
    for (const auto& f : line.at("findings"))
      for (const char* key : {"cause", "severity", "where", "step", "evidence", "fix_text"})
        EXPECT_TRUE(f.contains(key)) << key << " in " << f.dump();
  }
  // The same through [diagnostics] diagnose = true; and without either, no findings key.
  const Result keyed = run_cli(
      {"train", write("keyed.toml", std::string(kXor) + "[diagnostics]\ndiagnose = true\n"), "--metrics", metrics});
  EXPECT_EQ(keyed.status, 0) << keyed.err;
  EXPECT_TRUE(metrics_of(metrics).at(0).contains("findings"));
  EXPECT_EQ(run_cli({"train", write("plain.toml", kXor), "--metrics", metrics}).status, 0);
  EXPECT_FALSE(metrics_of(metrics).at(0).contains("findings"));
}

TEST_F(DoctorCommand, TrainDiagnosePrintsAFindingOnceAsItAppears) {
  // The linear model: found before the first update, printed once, and in the first epoch's line only.
  const std::string text = [] {
    std::ifstream in(kLinearModel);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  std::string short_run = text;
  short_run.replace(short_run.find("epochs = 200"), 12, "epochs = 2");
  const std::string metrics = (dir_ / "metrics.jsonl").string();
  const Result r = run_cli({"train", write("linear.toml", short_run), "--diagnose", "--metrics", metrics});
  EXPECT_EQ(r.status, 0) << r.err;  // training itself succeeds; the diagnosis informs
  std::size_t printed = 0;
  for (std::size_t at = r.out.find("diagnosis: linear_model"); at != std::string::npos;
       at = r.out.find("diagnosis: linear_model", at + 1))
    ++printed;
  EXPECT_EQ(printed, 1u) << r.out;
  const auto lines = metrics_of(metrics);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("findings").at(0).at("cause"), "linear_model");
  for (const auto& f : lines[1].at("findings")) EXPECT_NE(f.at("cause"), "linear_model") << f.dump();
}

TEST_F(DoctorCommand, DiagnoseKeyAcceptsOnlyABoolean) {
  const std::string yes = write("yes.toml", std::string(kXor) + "[diagnostics]\ndiagnose = \"yes\"\n");
  expect_bad_input(run_cli({"train", yes}), yes + ": diagnostics.diagnose = \"yes\": expected true or false");
  const std::string one = write("one.toml", std::string(kXor) + "[diagnostics]\ndiagnose = 1\n");
  expect_bad_input(run_cli({"train", one}), one + ": diagnostics.diagnose = 1: expected true or false");
}

}  // namespace
}  // namespace descent::cli
