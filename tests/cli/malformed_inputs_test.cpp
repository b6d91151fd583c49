// The inputs that crashed or hung the command line (issue: nothing a user feeds descent crashes it),
// run through the real executable: each ends within 10 s, under 2 GiB, with exit status 1 or 2 and
// one "descent: ..." line on stderr. The inputs are the fuzz targets' regression files
// (tests/data/fuzz-regressions/<target>/), which tests/fuzz/fuzz_replay.cpp also replays.
#include <sys/resource.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/util/shell_quote.hpp"
#include "support/descent_exe.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;
using data::testing::TempDir;

const fs::path kRegressions = fs::path(DESCENT_SOURCE_DIR) / "tests" / "data" / "fuzz-regressions";

struct Outcome {
  int status = -1;
  std::string err;
};

// `args` (shell words, already quoted) run by the shell with a 10 s limit, stderr captured.
Outcome run_descent(const std::string& args) {
  const std::string command =
      "timeout 10 " + util::shell_quote(descent::testing::descent_exe()) + " " + args + " 2>&1 >/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  Outcome o;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) o.err.append(buf, n);
  const int raw = ::pclose(pipe);
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return o;
}

// Exit 1 or 2 (not 124, timeout's), one line starting "descent: " (an expression's error adds the
// expression and a caret under it), a short message, and no child past 2 GiB so far.
void expect_clean_failure(const Outcome& o, const std::string& part) {
  EXPECT_TRUE(o.status == 1 || o.status == 2) << "exit " << o.status << ": " << o.err.substr(0, 500);
  EXPECT_TRUE(o.err.starts_with("descent: ")) << o.err.substr(0, 500);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = o.err.find("descent:", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 1u) << o.err.substr(0, 500);
  EXPECT_LT(o.err.size(), 1000u) << o.err.substr(0, 500);
  EXPECT_NE(o.err.find(part), std::string::npos) << "expected '" << part << "' in: " << o.err.substr(0, 500);
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  EXPECT_LT(usage.ru_maxrss, 2L << 20) << "KiB";  // ru_maxrss is in KiB
}

std::string shell_arg(const fs::path& p) { return util::shell_quote(p.string()); }

TEST(MalformedInputs, PowerTowerExpression) {
  const fs::path tower = kRegressions / "expression" / "power_tower.txt";  // x^x^...^1, 30,000 '^'
  expect_clean_failure(run_descent("minimize \"$(cat " + shell_arg(tower) + ")\" --optimizer sgd --x0 1 --steps 1"),
                       "nested more than 512 deep");
  const fs::path number = kRegressions / "expression" / "long_number.txt";  // an 80,000-digit number
  expect_clean_failure(run_descent("minimize \"$(cat " + shell_arg(number) + ")\" --optimizer sgd --x0 1 --steps 1"),
                       "is out of range");
}

TEST(MalformedInputs, DeeplyNestedConfig) {
  for (const char* name : {"deep_table_header.toml", "deep_dotted_key.toml"})
    expect_clean_failure(run_descent("train " + shell_arg(kRegressions / "config" / name)),
                         "nested more than 64 levels deep");
}

TEST(MalformedInputs, ConfigSizesNear2To63) {
  expect_clean_failure(run_descent("train " + shell_arg(kRegressions / "config" / "layers_near_2_63.toml")),
                       "model.layers[1] = 9223372036854775807");
  expect_clean_failure(
      run_descent("summary " + shell_arg(kRegressions / "config" / "conv_out_channels_near_2_63.toml")),
      "model.layer[0] (conv2d): the output [9223372036854775807, 26, 26]");
  expect_clean_failure(run_descent("summary " + shell_arg(kRegressions / "config" / "conv_padding_near_2_63.toml")),
                       "model.layer[0].padding = 4611686018427387904");
  expect_clean_failure(run_descent("summary " + shell_arg(kRegressions / "config" / "input_shape_near_2_63.toml")),
                       "model.input_shape = [1, 3037000500, 3037000500]");
  expect_clean_failure(run_descent("train " + shell_arg(kRegressions / "config" / "onecycle_epochs_near_2_63.toml")),
                       "train.epochs = 9223372036854775807");
  // A batch larger than the data is the whole data: it trains.
  TempDir dir;
  const Outcome batch = run_descent("train " + shell_arg(kRegressions / "config" / "batch_size_near_2_63.toml"));
  EXPECT_EQ(batch.status, 0) << batch.err;
}

TEST(MalformedInputs, ConfigSizesPastTheMemoryLimit) {
  expect_clean_failure(run_descent("train " + shell_arg(kRegressions / "config" / "layers_1e11.toml")),
                       "needs 372.5 GiB (400000000000 bytes), more than the 2 GiB allowed");
}

// The checkpoints of tests/data/fuzz-regressions/safetensors/ hold the config they were trained with.
std::string config_of(const fs::path& checkpoint, const TempDir& dir) {
  const std::string path = dir.file("checkpoint.toml");
  std::ofstream(path) << data::load_safetensors(checkpoint.string()).metadata.at("config");
  return path;
}

TEST(MalformedInputs, CheckpointsThatLie) {
  TempDir dir;
  const std::string config = config_of(
      fs::path(DESCENT_SOURCE_DIR) / "fuzz" / "corpus" / "safetensors" / "checkpoint_epoch1.safetensors", dir);
  const struct {
    const char* file;
    const char* part;
  } cases[] = {
      {"extra_tensor_shape_overflow.safetensors", "too many elements for 64 bits"},
      {"epochs_done_nan.safetensors", "metadata epochs_done = \"nan\": expected an integer from 0 to 10^15"},
      {"epochs_done_inf.safetensors", "metadata epochs_done = \"inf\""},
      {"epochs_done_1e308.safetensors", "metadata epochs_done = \"1e308\""},
      {"epochs_done_out_of_range.safetensors", "metadata epochs_done = \"99999999999999999999\""},
      {"epochs_done_negative.safetensors", "metadata epochs_done = \"-1\""},
      {"step_negative.safetensors", "metadata step = \"-1\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    expect_clean_failure(
        run_descent("train " + shell_arg(config) + " --resume " + shell_arg(kRegressions / "safetensors" / c.file)),
        c.part);
  }
}

}  // namespace
}  // namespace descent::cli
