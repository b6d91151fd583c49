// What a checkpoint is used with, from the command line: resuming or drawing the landscape of a
// checkpoint on other data than it was trained on is refused, naming both data sets (an older
// checkpoint that records none is warned about); --metrics on resume keeps the epochs done and
// appends, so the file holds the whole run once; the resume message counts epochs as the "Epoch N:"
// lines do; resuming a finished run says so and exits 0; a one-row metrics file plots its point.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "idx_data_dir.hpp"
#include "support/text.hpp"

namespace descent::cli {
namespace {

using data::testing::TempDir;
using testing::contains;
using testing::Result;
using testing::run_cli;

using descent::testing::read_text;

// The "epoch" of each line of a metrics file.
std::vector<std::int64_t> metric_epochs(const std::string& path) {
  std::vector<std::int64_t> epochs;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) epochs.push_back(nlohmann::json::parse(line).at("epoch"));
  return epochs;
}

class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_idx_data_set(dir_.file("a"), 0);
    testing::write_idx_data_set(dir_.file("b"), 1);
    std::ofstream(cfg_) << "[model]\nlayers = [9, 5, 3]\nactivation = \"tanh\"\n[data]\nclasses = 3\n[optim]\nname = "
                           "\"sgd\"\nlr = 0.1\n[train]\nbatch_size = 4\nseed = 7\nepochs = 3\n";
  }

  // descent train cfg.toml ARGS --data-dir DIR (48 examples in batches of 4: 12 updates an epoch).
  Result train(std::vector<std::string> args, const std::string& data = "a") {
    args.insert(args.begin(), {"train", cfg_});
    args.insert(args.end(), {"--data-dir", dir_.file(data)});
    return run_cli(args);
  }
  Result landscape(const std::string& checkpoint, std::vector<std::string> more) {
    std::vector<std::string> args = {"landscape", cfg_, "--checkpoint", checkpoint, "--output", file("l.svg"),
                                     "--points",  "3",  "--batch",      "8"};
    args.insert(args.end(), more.begin(), more.end());
    return run_cli(args);
  }
  std::string file(const std::string& name) const { return dir_.file(name); }

  TempDir dir_;
  std::string cfg_ = dir_.file("cfg.toml");
};

TEST_F(ResumeTest, LandscapeOfACheckpointOnOtherDataIsRefusedNamingBoth) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c.safetensors")}).status, 0);
  const std::string trained = file("c.safetensors") + " was trained on idx data from " + file("a") +
                              " (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                              "t10k-labels-idx1-ubyte.gz): 48 training and 16 test examples";
  const Result other = landscape(file("c.safetensors"), {"--data-dir", file("b")});
  testing::expect_bad_input(other, trained);
  EXPECT_TRUE(contains(other.err, "but this run reads idx data from " + file("b") + " (")) << other.err;
  EXPECT_FALSE(std::filesystem::exists(file("l.svg")));
  EXPECT_FALSE(std::filesystem::exists(file("l.csv")));
  // Without --data-dir the data come from $DESCENT_DATA (or Debian's Fashion-MNIST): refused just the same.
  const char* saved = std::getenv("DESCENT_DATA");
  const std::string before = saved ? saved : "";
  setenv("DESCENT_DATA", file("b").c_str(), 1);
  const Result from_env = landscape(file("c.safetensors"), {});
  saved ? setenv("DESCENT_DATA", before.c_str(), 1) : unsetenv("DESCENT_DATA");
  testing::expect_bad_input(from_env, trained);
  // On its own data it draws.
  const Result same = landscape(file("c.safetensors"), {"--data-dir", file("a")});
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_EQ(same.err, "");
  EXPECT_TRUE(contains(same.out, "loss at the checkpoint")) << same.out;
}

TEST_F(ResumeTest, ResumingOnOtherDataIsRefusedNamingBoth) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c.safetensors")}).status, 0);
  const Result r = train({"--resume", file("c.safetensors")}, "b");
  testing::expect_bad_input(r, file("c.safetensors") + " was trained on idx data from " + file("a"));
  EXPECT_TRUE(contains(r.err, "but this run reads idx data from " + file("b"))) << r.err;
  // The first 40 examples of the same files (train_limit) are another data set too: the counts differ.
  std::string limited = read_text(cfg_);
  limited.replace(limited.find("classes = 3"), 11, "classes = 3\ntrain_limit = 40");
  std::ofstream(file("limited.toml")) << limited;
  const Result fewer =
      run_cli({"train", file("limited.toml"), "--resume", file("c.safetensors"), "--data-dir", file("a")});
  testing::expect_bad_input(fewer, "but this run reads idx data from " + file("a"));
  EXPECT_TRUE(contains(fewer.err, "48 training and 16 test examples")) << fewer.err;
  EXPECT_TRUE(contains(fewer.err, "40 training and 16 test examples")) << fewer.err;
}

TEST_F(ResumeTest, ACheckpointWithNoDataRecordedIsWarnedAboutNotRefused) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c.safetensors")}).status, 0);
  data::SafetensorsFile f = data::load_safetensors(file("c.safetensors"));
  ASSERT_TRUE(f.metadata.contains("data.hash"));
  std::erase_if(f.metadata, [](const auto& kv) { return kv.first.starts_with("data."); });  // as older versions wrote
  data::save_safetensors(file("old.safetensors"), f);
  const std::string warning = "descent: warning: " + file("old.safetensors") + " records no data set";
  const Result resumed = train({"--epochs", "2", "--resume", file("old.safetensors")});
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(resumed.err.starts_with(warning)) << resumed.err;
  EXPECT_TRUE(contains(resumed.err, "idx data from " + file("a"))) << resumed.err;
  EXPECT_TRUE(contains(resumed.out, "Epoch 1:")) << resumed.out;
  const Result drawn = landscape(file("old.safetensors"), {"--data-dir", file("a")});
  ASSERT_EQ(drawn.status, 0) << drawn.err;
  EXPECT_TRUE(drawn.err.starts_with(warning)) << drawn.err;
}

TEST_F(ResumeTest, MetricsOnResumeHoldTheWholeRunOnce) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c1.safetensors"), "--metrics", file("m.jsonl")}).status, 0);
  const std::string epoch0 = read_text(file("m.jsonl"));
  ASSERT_EQ(metric_epochs(file("m.jsonl")), (std::vector<std::int64_t>{0}));
  const Result r = train({"--epochs", "3", "--resume", file("c1.safetensors"), "--metrics", file("m.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(metric_epochs(file("m.jsonl")), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_TRUE(read_text(file("m.jsonl")).starts_with(epoch0));  // the first line kept as it was
  // Resumed from the same checkpoint again: the lines of epochs 1 and 2 came from a run the checkpoint
  // does not hold; they are replaced, not repeated.
  ASSERT_EQ(train({"--epochs", "2", "--resume", file("c1.safetensors"), "--metrics", file("m.jsonl")}).status, 0);
  EXPECT_EQ(metric_epochs(file("m.jsonl")), (std::vector<std::int64_t>{0, 1}));
  // A run from the start still begins the file afresh.
  ASSERT_EQ(train({"--epochs", "1", "--metrics", file("m.jsonl")}).status, 0);
  EXPECT_EQ(metric_epochs(file("m.jsonl")), (std::vector<std::int64_t>{0}));
}

TEST_F(ResumeTest, AMetricsFileThatIsNotOneIsNamedAndKept) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c.safetensors")}).status, 0);
  std::ofstream(file("notes.txt")) << "my notes\nmore notes\n";
  const Result r = train({"--epochs", "2", "--resume", file("c.safetensors"), "--metrics", file("notes.txt")});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.err.starts_with("descent: " + file("notes.txt") + ":1: not a line of descent train --metrics"))
      << r.err;
  EXPECT_FALSE(contains(r.out, "Epoch")) << r.out;
  EXPECT_EQ(read_text(file("notes.txt")), "my notes\nmore notes\n");
}

TEST_F(ResumeTest, ResumeMessagesCountEpochsAsTheEpochLinesDo) {
  ASSERT_EQ(train({"--epochs", "1", "--save", file("c1.safetensors")}).status, 0);
  ASSERT_EQ(train({"--epochs", "2", "--save", file("c2.safetensors")}).status, 0);
  const Result one = train({"--epochs", "3", "--resume", file("c1.safetensors")});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "resumed from " + file("c1.safetensors") +
                                    ": 1 epoch done (epoch 0), 12 updates; going on with epoch 1\n"))
      << one.out;
  const Result two = train({"--epochs", "3", "--resume", file("c2.safetensors")});
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_TRUE(contains(two.out, "resumed from " + file("c2.safetensors") +
                                    ": 2 epochs done (epochs 0 to 1), 24 updates; going on with epoch 2\n"))
      << two.out;
  EXPECT_FALSE(contains(two.out, "after epoch 2")) << two.out;
  EXPECT_FALSE(contains(two.out, "Epoch 1:")) << two.out;
  EXPECT_TRUE(contains(two.out, "Epoch 2:")) << two.out;
}

TEST_F(ResumeTest, ResumingAFinishedRunSaysSoAndTrainsNothing) {
  ASSERT_EQ(train({"--epochs", "2", "--save", file("c.safetensors"), "--metrics", file("m.jsonl")}).status, 0);
  const std::string metrics = read_text(file("m.jsonl"));
  const auto saved = std::filesystem::last_write_time(file("c.safetensors"));
  for (const char* epochs : {"2", "1"}) {
    const Result r = train({"--epochs", epochs, "--resume", file("c.safetensors"), "--save", file("c.safetensors"),
                            "--metrics", file("m.jsonl")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out,
              file("c.safetensors") + " holds a finished run: 2 epochs done (epochs 0 to 1) of " + epochs +
                  ", 24 updates; nothing to train (the epochs asked for are the total: raise --epochs to go on)\n");
    EXPECT_EQ(read_text(file("m.jsonl")), metrics);  // untouched
    EXPECT_EQ(std::filesystem::last_write_time(file("c.safetensors")), saved);
  }
}

TEST_F(ResumeTest, AOneRowMetricsFilePlotsItsPoint) {
  ASSERT_EQ(train({"--epochs", "1", "--metrics", file("m.jsonl")}).status, 0);
  const Result r = run_cli({"plot", file("m.jsonl"), "--output", file("m.svg")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string svg = read_text(file("m.svg"));
  // gnuplot's SVG draws each marked point as a <use> of a point symbol (gpPt...); a line of one point draws nothing.
  EXPECT_TRUE(contains(svg, "xlink:href='#gpPt")) << svg.substr(0, 2000);
}

}  // namespace
}  // namespace descent::cli
