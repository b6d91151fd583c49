// Ctrl-C (SIGINT) and SIGTERM during descent train: the update under way finishes, the checkpoint is
// written, the run says where it stopped and the exact command that resumes it, and exits with 130 or
// 143; that command ends bit for bit as a run never stopped. Without --save it says nothing was saved.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "child_process.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/util/shell_quote.hpp"
#include "idx_data_dir.hpp"
#include "resumable_run.hpp"
#include "support/descent_exe.hpp"

namespace descent::cli {
namespace {

namespace fs = std::filesystem;
using data::testing::TempDir;
using testing::Child;
using testing::read_text;
using testing::run_child;

class StopSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_idx_data_set(file("data"), 0);
    std::ofstream(file("cfg.toml")) << testing::kResumableConfig;
  }
  std::string file(const std::string& name) const { return dir_.file(name); }

  std::vector<std::string> args(const std::string& name, bool save = true) const {
    std::vector<std::string> a = {"train", file("cfg.toml"), "--data-dir", file("data"), "--threads", "1"};
    // Without the checkpoints' fsyncs a run goes fast: long enough to be stopped before its end.
    a.insert(a.end(), {"--epochs", save ? "12" : "1000", "--metrics", file(name + ".jsonl")});
    if (save) a.insert(a.end(), {"--save", file(name + ".safetensors"), "--save-every", "4"});
    return a;
  }

  // Starts a run, waits for its first checkpoint (or metrics line, without --save), sends `signal`.
  std::string stop(const std::string& name, int signal, int expected_status, bool save = true) {
    Child child(args(name, save), {.env = {}, .err_path = file(name + ".err")});
    const std::string watched = file(name + (save ? ".safetensors" : ".jsonl"));
    while (!(fs::exists(watched) && fs::file_size(watched) > 0) && !child.ended())
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    child.signal(signal);
    EXPECT_EQ(child.exit_status(), expected_status);
    return read_text(file(name + ".err"));
  }

  TempDir dir_;
};

TEST_F(StopSignalsTest, SigintAndSigtermSaveSayHowToResumeAndExitWith130And143) {
  ASSERT_EQ(run_child(args("straight")), 0);
  for (const auto& [sig, name, status] : {std::tuple{SIGINT, "SIGINT", 130}, std::tuple{SIGTERM, "SIGTERM", 143}}) {
    SCOPED_TRACE(name);
    const std::string run = std::string(name) == "SIGINT" ? "int" : "term";
    const std::string checkpoint = file(run + ".safetensors");
    const std::string err = stop(run, sig, status);
    // descent: stopped by SIGINT at update 7, batch 7 of 10 of epoch 0; saved in F. Resume with:
    //   descent train ... --resume F
    std::smatch m;
    ASSERT_TRUE(std::regex_match(err, m,
                                 std::regex("descent: stopped by " + std::string(name) +
                                            " at update ([0-9]+), (batch [0-9]+ of 10 of|after) epoch ([0-9]+); "
                                            "saved in ([^ ]+)\\. Resume with:\n  descent (train [^\n]+)\n")))
        << err;
    EXPECT_EQ(m[4].str(), checkpoint);
    const data::SafetensorsFile saved = data::load_safetensors(checkpoint);
    EXPECT_EQ(saved.metadata.at("step"), m[1].str());  // the checkpoint holds the update it names
    const std::string command = m[5];
    EXPECT_TRUE(command.ends_with(" --save " + checkpoint + " --save-every 4 --resume " + checkpoint)) << command;
    // The command as printed, with this build's executable for "descent".
    ASSERT_EQ(
        std::system((util::shell_quote(descent::testing::descent_exe()) + " " + command + " >/dev/null 2>&1").c_str()),
        0)
        << command;
    testing::expect_same_checkpoint(file("straight.safetensors"), checkpoint);
    EXPECT_EQ(testing::metrics_without_timings(file("straight.jsonl")),
              testing::metrics_without_timings(file(run + ".jsonl")));
  }
}

TEST_F(StopSignalsTest, WithoutSaveItSaysNothingWasSaved) {
  const std::string err = stop("nosave", SIGTERM, 143, false);
  EXPECT_TRUE(err.starts_with("descent: stopped by SIGTERM at update ")) << err;
  EXPECT_TRUE(err.ends_with("; nothing saved (no --save FILE): the run cannot be resumed\n")) << err;
}

}  // namespace
}  // namespace descent::cli
