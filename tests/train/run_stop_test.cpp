// run_training stopped after an update (RunOptions::stop, as a signal sets it) and resumed from the
// checkpoint written there, again and again: a run stopped after every single update, inside epochs
// and at their ends, ends bit for bit as a run never stopped: every tensor of its checkpoint, its
// metadata, the --save-best checkpoint and the metrics lines (but their timings). The config has every
// part with a state: shuffle, augment, dropout, batch norm, Adam, a per-batch schedule, a validation
// set with early stopping and --save-best, float64.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "cli/idx_data_dir.hpp"
#include "cli/resumable_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using cli::testing::expect_same_checkpoint;
using cli::testing::metrics_without_timings;
using data::testing::TempDir;

class RunStopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cli::testing::write_idx_data_set(dir_.file("data"), 0);
    std::ofstream(dir_.file("cfg.toml")) << cli::testing::kResumableConfig
                                         << "epochs = 3\nearly_stopping = {metric = \"val_loss\", patience = 2}\n";
  }

  RunSummary run(const std::string& name, const std::string& resume, const volatile std::sig_atomic_t* stop) {
    RunOptions options;
    options.data_dir = dir_.file("data");
    options.threads = 1;
    options.save_path = dir_.file(name + ".safetensors");
    options.save_best_path = dir_.file(name + ".best.safetensors");
    options.metrics_path = dir_.file(name + ".jsonl");
    options.resume_path = resume;
    options.stop = stop;
    std::ostringstream out, warnings;
    options.warnings = &warnings;
    return run_training(parse_config(dir_.file("cfg.toml")), options, out);
  }

  TempDir dir_;
};

TEST_F(RunStopTest, StoppedAfterEveryUpdateAndResumedEndsAsARunNeverStopped) {
  // Dropout draws from default_generator(), which a fresh process starts at seed 0 and a checkpoint
  // carries: each run from the start begins there, as the command line's does.
  manual_seed(0);
  const RunSummary straight = run("straight", "", nullptr);
  ASSERT_EQ(straight.stop_signal, 0);
  const volatile std::sig_atomic_t stop = SIGINT;  // as if Ctrl-C came during every update
  const std::string checkpoint = dir_.file("stopped.safetensors");
  manual_seed(0);
  RunSummary first = run("stopped", "", &stop);
  EXPECT_EQ(first.stop_signal, SIGINT);
  EXPECT_EQ(first.stopped_at, "update 1, batch 1 of 10 of epoch 0");
  EXPECT_TRUE(first.saved);
  EXPECT_EQ(data::load_safetensors(checkpoint).metadata.at("step"), "1");
  int runs = 1;
  for (RunSummary r = first; r.stop_signal != 0 && runs < 100; ++runs) r = run("stopped", checkpoint, &stop);
  // 10 updates an epoch (40 examples in batches of 4), each run one update, then one run that ends the
  // epoch (its evaluation, its checkpoint); early stopping may end the run before its 3 epochs, as it
  // ends the straight one.
  EXPECT_EQ(runs, static_cast<int>(straight.epochs.size()) * 11);
  expect_same_checkpoint(dir_.file("straight.safetensors"), checkpoint);
  expect_same_checkpoint(dir_.file("straight.best.safetensors"), dir_.file("stopped.best.safetensors"));
  EXPECT_EQ(metrics_without_timings(dir_.file("straight.jsonl")), metrics_without_timings(dir_.file("stopped.jsonl")));
}

}  // namespace
}  // namespace descent::train
