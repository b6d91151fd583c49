// descent train killed at any moment: --save FILE holds the last complete checkpoint, never a torn one,
// and --resume FILE ends bit for bit as a run never killed. Ten kill -9 at random moments of a run with
// --save-every (some during startup, some just after a checkpoint, some during one), each followed by
// --resume; a kill between a checkpoint's write and its rename (DESCENT_TEST_ABORT_BEFORE_RENAME); a
// file-size limit that makes the write fail (as a full disk): a clear error, exit status 1, the older
// checkpoint intact.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "child_process.hpp"
#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "idx_data_dir.hpp"
#include "resumable_run.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;
using data::testing::TempDir;
using testing::Child;
using testing::ChildOptions;
using testing::expect_same_checkpoint;
using testing::metrics_without_timings;
using testing::read_text;
using testing::run_child;

constexpr int kEpochs = 12, kUpdatesPerEpoch = testing::kResumableUpdatesPerEpoch, kSaveEvery = 3;

// The temporary files of the checkpoint `path` left beside it (util/atomic_file.hpp).
int partial_files(const std::string& path) {
  const std::string prefix = "." + fs::path(path).filename().string() + ".";
  int n = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path())) {
    const std::string name = entry.path().filename().string();
    n += name.starts_with(prefix) && name.ends_with(".partial");
  }
  return n;
}

// A file's identity: a new checkpoint renamed into place changes it.
std::pair<ino_t, std::int64_t> identity(const std::string& path) {
  struct stat s {};
  if (::stat(path.c_str(), &s) != 0) return {0, 0};
  return {s.st_ino, static_cast<std::int64_t>(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec};
}

class CrashSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_idx_data_set(dir_.file("data"), 0);
    // Early stopping that never stops, for its count to travel in the checkpoints.
    std::ofstream(file("cfg.toml")) << testing::kResumableConfig
                                    << "early_stopping = {metric = \"val_loss\", patience = 100}\n";
    // For the runs that change --epochs: without the schedule, whose length depends on it.
    std::string plain = testing::kResumableConfig;
    plain.erase(plain.find("[scheduler]"), plain.find("[train]") - plain.find("[scheduler]"));
    std::ofstream(file("plain.toml")) << plain;
  }
  std::string file(const std::string& name) const { return dir_.file(name); }

  // descent train with its checkpoint, best checkpoint and metrics named `name`.*; resumed from the
  // checkpoint when it is there.
  std::vector<std::string> args(const std::string& name, int epochs = kEpochs) const {
    std::vector<std::string> a = {"train",        file(epochs == kEpochs ? "cfg.toml" : "plain.toml"),
                                  "--data-dir",   file("data"),
                                  "--threads",    "1",
                                  "--epochs",     std::to_string(epochs),
                                  "--save",       file(name + ".safetensors"),
                                  "--save-every", std::to_string(kSaveEvery),
                                  "--save-best",  file(name + ".best.safetensors"),
                                  "--metrics",    file(name + ".jsonl")};
    if (fs::exists(file(name + ".safetensors"))) a.insert(a.end(), {"--resume", file(name + ".safetensors")});
    return a;
  }

  TempDir dir_;
};

TEST_F(CrashSafetyTest, TenKillsAtRandomMomentsEndAsARunNeverKilled) {
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_child(args("straight")), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double between_saves = seconds * kSaveEvery / (kEpochs * kUpdatesPerEpoch);
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed) + ", a run of " + std::to_string(seconds) + " s");
  std::mt19937 random(seed);
  auto sleep = [&](double most) {
    std::this_thread::sleep_for(std::chrono::duration<double>(std::uniform_real_distribution<>(0, most)(random)));
  };
  const std::string checkpoint = file("killed.safetensors");
  int kills = 0;
  bool finished = false;
  while (kills < 10 && !finished) {
    const auto before = identity(checkpoint);
    Child child(args("killed"));
    if (kills % 2 == 0) {
      sleep(seconds / 10);  // anywhere from its start (loading the data) on
    } else {
      // Once it has written a new checkpoint: then during the updates after it, or the next write.
      while (identity(checkpoint) == before && !child.ended())
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      sleep(2 * between_saves);
    }
    child.signal(SIGKILL);
    if (child.killed_by() == SIGKILL) ++kills;
    else finished = true;  // it ended before the kill
    // Whatever the moment, the checkpoint is a whole one (or none yet).
    if (fs::exists(checkpoint)) {
      ASSERT_NO_THROW(data::load_safetensors(checkpoint)) << "after kill " << kills;
    }
  }
  EXPECT_EQ(kills, 10);
  if (!finished) {
    ASSERT_EQ(run_child(args("killed")), 0);
  }
  expect_same_checkpoint(file("straight.safetensors"), checkpoint);
  expect_same_checkpoint(file("straight.best.safetensors"), file("killed.best.safetensors"));
  // Each epoch once in the metrics, as the run never killed wrote them.
  EXPECT_EQ(metrics_without_timings(file("straight.jsonl")), metrics_without_timings(file("killed.jsonl")));
  // The temporary files of killed writes are gone: the next write of the same checkpoint removes them.
  EXPECT_EQ(partial_files(checkpoint), 0);
}

TEST_F(CrashSafetyTest, AKillBetweenWriteAndRenameLeavesThePreviousCheckpoint) {
  ASSERT_EQ(run_child(args("straight", 2)), 0);
  ASSERT_EQ(run_child(args("killed", 1)), 0);
  const std::string checkpoint = file("killed.safetensors");
  const std::string before = read_text(checkpoint);
  Child child(args("killed", 2),
              {.env = {"DESCENT_TEST_ABORT_BEFORE_RENAME=killed.safetensors"}, .out_path = "/dev/null"});
  EXPECT_EQ(child.killed_by(), SIGKILL);
  EXPECT_EQ(read_text(checkpoint), before);  // the previous checkpoint, whole
  EXPECT_EQ(data::load_safetensors(checkpoint).metadata.at("epochs_done"), "1");
  EXPECT_EQ(partial_files(checkpoint), 1);  // the new one written in full beside it, never renamed
  // It resumes, and ends as the run never killed.
  ASSERT_EQ(run_child(args("killed", 2)), 0);
  expect_same_checkpoint(file("straight.safetensors"), checkpoint);
  EXPECT_EQ(partial_files(checkpoint), 0);
}

TEST_F(CrashSafetyTest, AFullDiskStopsTheRunWithAClearErrorAndThePreviousCheckpointIntact) {
  ASSERT_EQ(run_child(args("full", 1)), 0);
  const std::string checkpoint = file("full.safetensors");
  const std::string before = read_text(checkpoint);
  // No file may grow past half the checkpoint: the next checkpoint's write fails with EFBIG, as it
  // would fail with ENOSPC on a full disk.
  const ChildOptions limited{.env = {}, .err_path = file("err.txt"), .file_size_limit = before.size() / 2};
  Child child(args("full", 2), limited);
  EXPECT_EQ(child.exit_status(), 1);
  EXPECT_EQ(read_text(file("err.txt")),
            "descent: " + checkpoint +
                ": cannot write the safetensors file: File too large; training stopped at update " +
                std::to_string(kUpdatesPerEpoch + kSaveEvery - 1) + " (epoch 1); " + checkpoint +
                " is left as it was, holding the run at update " + std::to_string(kUpdatesPerEpoch) + " (--resume " +
                checkpoint + ")\n");
  EXPECT_EQ(read_text(checkpoint), before);
  EXPECT_NO_THROW(data::load_safetensors(checkpoint));
  EXPECT_EQ(partial_files(checkpoint), 0);
}

TEST_F(CrashSafetyTest, SaveEveryTakesACountOfUpdatesAndNeedsSave) {
  auto train = [&](std::vector<std::string> more) {
    std::vector<std::string> a = {"train", file("cfg.toml"), "--data-dir", file("data"), "--epochs", "1"};
    a.insert(a.end(), more.begin(), more.end());
    return testing::run_cli(a);
  };
  testing::expect_bad_input(train({"--save", file("c.safetensors"), "--save-every", "0"}),
                            "--save-every = 0: expected an integer >= 1");
  testing::expect_bad_input(train({"--save", file("c.safetensors"), "--save-every", "-3"}),
                            "--save-every = -3: expected an integer >= 1");
  testing::expect_bad_input(train({"--save", file("c.safetensors"), "--save-every", "many"}),
                            "--save-every = many: expected an integer");
  testing::expect_bad_input(train({"--save-every", "3"}), "--save-every 3 needs --save FILE");
  EXPECT_FALSE(fs::exists(file("c.safetensors")));
}

}  // namespace
}  // namespace descent::cli
