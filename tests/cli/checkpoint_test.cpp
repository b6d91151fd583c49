// Checkpoints from the command line: --epochs 2 straight equals --epochs 1 --save F then
// --epochs 2 --resume F, every tensor bit for bit; bad checkpoints are named; a diverging run stops
// at the first non-finite value and leaves its last good checkpoint loadable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"

namespace descent::cli {
namespace {

using data::testing::Bytes;
using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_gz;

using testing::Result;

class CheckpointTest : public ::testing::Test {
 protected:
  // 48 training and 16 test images of 3 x 3 pixels in 3 classes: enough batches to shuffle.
  void SetUp() override {
    auto images = [](std::uint32_t n, int salt) {
      Bytes b;
      for (std::uint32_t i = 0; i < n * 9; ++i) b.push_back(static_cast<std::uint8_t>((i * 37 + salt * 11) % 251));
      return idx_bytes({n, 3, 3}, b);
    };
    auto labels = [](std::uint32_t n) {
      Bytes b;
      for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i % 3));
      return idx_bytes({n}, b);
    };
    write_gz(dir_.file("train-images-idx3-ubyte.gz"), images(48, 1));
    write_gz(dir_.file("train-labels-idx1-ubyte.gz"), labels(48));
    write_gz(dir_.file("t10k-images-idx3-ubyte.gz"), images(16, 2));
    write_gz(dir_.file("t10k-labels-idx1-ubyte.gz"), labels(16));
  }

  std::string config(const std::string& name, const std::string& optim, const std::string& extra = "") {
    std::ofstream(dir_.file(name)) << "[model]\nlayers = [9, 5, 3]\nactivation = \"tanh\"\n[data]\nclasses = 3\n"
                                   << optim << "\n[train]\nbatch_size = 4\nseed = 7\nepochs = 2\n"
                                   << extra;
    return dir_.file(name);
  }

  Result train(std::vector<std::string> args) {
    args.insert(args.begin(), "train");
    args.push_back("--data-dir");
    args.push_back(dir_.path());
    std::ostringstream out, err;
    const int status = run(args, out, err);
    return {status, out.str(), err.str()};
  }

  void expect_resume_is_bit_identical(const std::string& cfg) {
    ASSERT_EQ(train({cfg, "--epochs", "2", "--save", dir_.file("straight.safetensors")}).status, 0);
    ASSERT_EQ(train({cfg, "--epochs", "1", "--save", dir_.file("half.safetensors")}).status, 0);
    const Result resumed = train(
        {cfg, "--epochs", "2", "--resume", dir_.file("half.safetensors"), "--save", dir_.file("resumed.safetensors")});
    ASSERT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_NE(resumed.out.find("resumed from"), std::string::npos);
    EXPECT_EQ(resumed.out.find("Epoch 0:"), std::string::npos) << "epoch 0 ran again:\n" << resumed.out;
    EXPECT_NE(resumed.out.find("Epoch 1:"), std::string::npos);
    const auto a = data::load_safetensors(dir_.file("straight.safetensors"));
    const auto b = data::load_safetensors(dir_.file("resumed.safetensors"));
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    int optimizer_tensors = 0;
    for (const auto& [name, t] : a.tensors) {
      ASSERT_TRUE(b.tensors.count(name)) << name;
      const Tensor& u = b.tensors.at(name);
      ASSERT_EQ(u.shape(), t.shape()) << name;
      EXPECT_EQ(std::memcmp(u.raw_data(), t.raw_data(), t.numel() * itemsize(t.dtype())), 0) << name << " differs";
      optimizer_tensors += name.starts_with("optimizer.");
    }
    EXPECT_GT(optimizer_tensors, 0);  // the moments travel too
    for (const char* key : {"epochs_done", "step", "loader_generator"})
      EXPECT_EQ(a.metadata.at(key), b.metadata.at(key)) << key;
  }

  TempDir dir_;
};

TEST_F(CheckpointTest, ResumeEqualsAStraightRunSgdMomentum) {
  expect_resume_is_bit_identical(
      config("sgd.toml", "[optim]\nname = \"sgd\"\nlr = 0.1\nmomentum = 0.9\nnesterov = true"));
}

TEST_F(CheckpointTest, ResumeEqualsAStraightRunAdamWithASchedule) {
  expect_resume_is_bit_identical(config("adam.toml",
                                        "[optim]\nname = \"adam\"\nlr = 0.01\namsgrad = true\n[scheduler]\nname = "
                                        "\"steplr\"\nstep_size = 1\ngamma = 0.5"));
}

TEST_F(CheckpointTest, CorruptOrTruncatedCheckpointIsNamed) {
  const std::string cfg = config("sgd.toml", "[optim]\nname = \"sgd\"\nlr = 0.1");
  ASSERT_EQ(train({cfg, "--epochs", "1", "--save", dir_.file("c.safetensors")}).status, 0);
  std::filesystem::resize_file(dir_.file("c.safetensors"), std::filesystem::file_size(dir_.file("c.safetensors")) - 10);
  const Result r = train({cfg, "--resume", dir_.file("c.safetensors")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("c.safetensors"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated or corrupt"), std::string::npos) << r.err;
  std::ofstream(dir_.file("junk.safetensors")) << "not a checkpoint at all";
  EXPECT_EQ(train({cfg, "--resume", dir_.file("junk.safetensors")}).status, 2);
}

TEST_F(CheckpointTest, CheckpointOfAnotherModelIsNamed) {
  const std::string small = config("sgd.toml", "[optim]\nname = \"sgd\"\nlr = 0.1");
  ASSERT_EQ(train({small, "--epochs", "1", "--save", dir_.file("c.safetensors")}).status, 0);
  std::ofstream(dir_.file("wide.toml"))
      << "[model]\nlayers = [9, 7, 3]\n[data]\nclasses = 3\n[optim]\nname = \"sgd\"\nlr = 0.1\n";
  const Result r = train({dir_.file("wide.toml"), "--resume", dir_.file("c.safetensors")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("does not fit the model of"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"0.bias\" has shape [5], the model expects [7]"), std::string::npos) << r.err;
}

TEST_F(CheckpointTest, DivergingRunStopsAtTheFirstNonFiniteValueAndKeepsTheCheckpoint) {
  // A sane first epoch, saved; then a schedule that multiplies the learning rate by 1e300.
  const std::string cfg =
      config("bad.toml", "[optim]\nname = \"sgd\"\nlr = 0.1\n[scheduler]\nname = \"exponentiallr\"\ngamma = 1e300",
             "[diagnostics]\nnonfinite_watch = true\n");
  const Result r = train({cfg, "--epochs", "3", "--save", dir_.file("c.safetensors")});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("Epoch 0:"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("training stopped at update 13 (epoch 1, lr 1e+299)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("c.safetensors (after epoch 0)"), std::string::npos) << r.err;  // as "Epoch 0:"
  EXPECT_NE(r.err.find("non-finite value (NaN or infinity) first appeared in the"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("op '"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in layer"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("min "), std::string::npos) << r.err;  // the range of the op's inputs
  // The last good checkpoint is intact: it loads, and holds the state after epoch 1, all finite.
  const auto after = data::load_safetensors(dir_.file("c.safetensors"));
  EXPECT_EQ(after.metadata.at("epochs_done"), "1");
  for (const auto& [name, t] : after.tensors)
    for (double v : t.to_vector()) ASSERT_TRUE(std::isfinite(v)) << name;
  // Resuming it loads (no bad-input status) and, its schedule restored too, stops at the same update.
  const Result again = train({cfg, "--epochs", "3", "--resume", dir_.file("c.safetensors")});
  EXPECT_EQ(again.status, 1) << again.err;
  EXPECT_NE(again.out.find("resumed from"), std::string::npos) << again.out;
  EXPECT_NE(again.err.find("training stopped at update 13 (epoch 1, lr 1e+299)"), std::string::npos) << again.err;
}

TEST_F(CheckpointTest, NonFiniteLossStopsEvenWithoutTheWatch) {
  const std::string bad = config("bad.toml", "[optim]\nname = \"sgd\"\nlr = 1e300");
  const Result r = train({bad});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("nonfinite_watch = true"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent::cli
