// What `descent train` checks as it runs, from the command line: a loss that runs away stops the run
// (exit 1, the loss, its value and the update on stderr), or warns, or is left alone, as [diagnostics]
// divergence says; every output path is checked before anything runs (exit 2 naming the flag and the
// path), leaving no file behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "idx_data_dir.hpp"

namespace descent::cli {
namespace {

using data::testing::TempDir;
using testing::contains;
using testing::Result;
using testing::run_cli;

// y = w x + b on the one example x = 1, y = 0, from w = 0.5, b = 0, with the mse loss and plain
// gradient descent at lr 1: each update multiplies the output by 1 - 2 lr (x^2 + 1) = -3, so the loss
// is 0.25 x 9^k at update k: 0.25, 2.25, 20.25, ... (finite in float32 for 38 updates). At update 2,
// 20.25 is past 10 times the mean of the first two, (0.25 + 2.25) / 2 = 1.25.
constexpr const char* kRunaway =
    "[model]\nlayers = [1, 1]\nactivation = \"none\"\n[model.weights]\n\"0.weight\" = [[0.5]]\n\"0.bias\" = [0.0]\n"
    "[loss]\nname = \"mse\"\n[optim]\nname = \"sgd\"\nlr = 1.0\n[data]\ninputs = [[1.0]]\ntargets = [[0.0]]\n"
    "[train]\nepochs = 20\nbatch_size = \"full\"\n";

class RunGuardsTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.file(name)) << text;
    return dir_.file(name);
  }
  std::string file(const std::string& name) const { return dir_.file(name); }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  TempDir dir_;
};

TEST_F(RunGuardsTest, ARunawayLossStopsTheRunNamingTheLossTheValueAndTheUpdate) {
  const Result r = run_cli({"train", write("runaway.toml", kRunaway)});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err,
            "descent: training stopped at update 2 (epoch 2, lr 1): the loss mse = 20.25 at update 2 is more than 10 "
            "times the mean loss of the first 2 updates, 1.25: the training diverges (is the learning rate too "
            "high?); [diagnostics] divergence = \"warn\" or \"off\" lets such a run go on; no checkpoint holds this "
            "run yet\n");
  EXPECT_TRUE(contains(r.out, "Epoch 1: loss 20.25")) << r.out;  // the epoch before: evaluated after its update
  EXPECT_FALSE(contains(r.out, "Epoch 2:")) << r.out;
}

TEST_F(RunGuardsTest, DivergenceWarnWarnsOnceAndOffSaysNothing) {
  const Result warned =
      run_cli({"train", write("warn.toml", std::string(kRunaway) + "[diagnostics]\ndivergence = \"warn\"\n")});
  EXPECT_EQ(warned.status, 0) << warned.err;
  EXPECT_EQ(warned.err,
            "descent: warning: the loss mse = 20.25 at update 2 is more than 10 times the mean loss of the first 2 "
            "updates, 1.25: the training diverges (is the learning rate too high?) (epoch 2); the run goes on as "
            "[diagnostics] divergence = \"warn\" says, and warns no more\n");
  EXPECT_TRUE(contains(warned.out, "Epoch 19:")) << warned.out;
  const Result off =
      run_cli({"train", write("off.toml", std::string(kRunaway) + "[diagnostics]\ndivergence = \"off\"\n")});
  EXPECT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(off.err, "");
  EXPECT_TRUE(contains(off.out, "Epoch 19:")) << off.out;
}

TEST_F(RunGuardsTest, NllOnRawLogitsStopsBelowItsLowerBound) {
  // nll takes log-probabilities; on raw logits it is -x_y, which gradient descent drives down without end.
  testing::write_idx_data_set(file("data"), 0);
  const std::string model = "[model]\nlayers = [9, 5, 3]\nactivation = \"tanh\"\noutput_activation = ";
  const std::string rest =
      "\n[loss]\nname = \"nll\"\n[data]\nclasses = 3\n[optim]\nname = \"sgd\"\nlr = 0.5\n"
      "[train]\nbatch_size = 4\nseed = 7\nepochs = 3\n";
  const Result raw = run_cli({"train", write("raw.toml", model + "\"none\"" + rest), "--data-dir", file("data")});
  EXPECT_EQ(raw.status, 1) << raw.err;
  EXPECT_TRUE(raw.err.starts_with("descent: training stopped at update ")) << raw.err;
  EXPECT_TRUE(contains(raw.err, ": the loss nll = -")) << raw.err;
  EXPECT_TRUE(contains(raw.err, "is below 0, the least nll can be")) << raw.err;
  // Log-probabilities, as nll wants: the same run trains to the end.
  const Result right =
      run_cli({"train", write("right.toml", model + "\"log_softmax\"" + rest), "--data-dir", file("data")});
  EXPECT_EQ(right.status, 0) << right.err;
  EXPECT_EQ(right.err, "");
}

TEST_F(RunGuardsTest, ADiagnosedRunStillReportsItsDiagnosisWhenStopped) {
  const Result r = run_cli({"train", write("runaway.toml", kRunaway), "--diagnose"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "the loss mse = 20.25 at update 2")) << r.err;
  EXPECT_TRUE(contains(r.out, "diagnosis: ")) << r.out;
}

TEST_F(RunGuardsTest, EveryOutputIsCheckedBeforeAnythingRuns) {
  const std::string cfg = write("runaway.toml", std::string(kRunaway) + "[diagnostics]\nrecord = [\"loss\"]\n");
  std::ofstream(file("plain.txt")) << "a file, not a directory\n";
  const std::vector<std::string> before = listing();
  const std::string missing = file("missing");
  testing::expect_bad_input(
      run_cli({"train", cfg, "--save", missing + "/c.safetensors"}),
      "--save " + missing + "/c.safetensors: the directory " + missing + " does not exist; nothing was written");
  testing::expect_bad_input(run_cli({"train", cfg, "--metrics", missing + "/m.jsonl"}),
                            "--metrics " + missing + "/m.jsonl: the directory " + missing + " does not exist");
  testing::expect_bad_input(run_cli({"train", cfg, "--trace", missing + "/t.csv"}),
                            "--trace " + missing + "/t.csv: the directory " + missing + " does not exist");
  testing::expect_bad_input(run_cli({"train", cfg, "--metrics", dir_.path()}),
                            "--metrics " + dir_.path() + ": it is a directory");
  testing::expect_bad_input(
      run_cli({"train", cfg, "--save", file("plain.txt") + "/c.safetensors"}),
      "--save " + file("plain.txt") + "/c.safetensors: " + file("plain.txt") + " is not a directory");
  testing::expect_bad_input(run_cli({"train", cfg, "--metrics", file("same"), "--save", file("same")}),
                            "--metrics and --save both name " + file("same"));
  testing::expect_bad_input(
      run_cli({"landscape", cfg, "--checkpoint", file("none.safetensors"), "--output", missing + "/l.svg"}),
      "--output " + missing + "/l.svg: the directory " + missing + " does not exist");
  testing::expect_bad_input(run_cli({"doctor", cfg, "--json", missing + "/v.json"}),
                            "--json " + missing + "/v.json: the directory " + missing + " does not exist");
  EXPECT_EQ(listing(), before);  // no stray file, no directory made
}

}  // namespace
}  // namespace descent::cli
