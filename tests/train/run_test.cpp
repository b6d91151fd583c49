// run_training with the [scheduler] and [train] options of the optimizer work: the schedule stepped
// once per epoch (onecyclelr once per batch), full-batch gradient descent, gradient clipping. The data
// is a hand-made MNIST-format set of 2x2 images in two classes.
#include "descent/train/run.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "data/idx_files.hpp"
#include "descent/data/dataset.hpp"
#include "descent/descent.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {
namespace {

using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_raw;

constexpr int kRunTrain = 12, kRunTest = 4;

// 12 training and 4 test images of 2x2 pixels, labelled by whether the first pixel is bright.
void write_data(const TempDir& dir) {
  auto images = [](int n) {
    data::testing::Bytes pixels, labels;
    for (int i = 0; i < n; ++i) {
      for (int k = 0; k < 4; ++k) pixels.push_back(static_cast<std::uint8_t>((i * 37 + k * 91) % 256));
      labels.push_back(pixels[static_cast<std::size_t>(4 * i)] > 127 ? 1 : 0);
    }
    return std::pair{pixels, labels};
  };
  const auto [train_x, train_y] = images(kRunTrain);
  const auto [test_x, test_y] = images(kRunTest);
  write_raw(dir.file("train-images-idx3-ubyte"), idx_bytes({kRunTrain, 2, 2}, train_x));
  write_raw(dir.file("train-labels-idx1-ubyte"), idx_bytes({kRunTrain}, train_y));
  write_raw(dir.file("t10k-images-idx3-ubyte"), idx_bytes({kRunTest, 2, 2}, test_x));
  write_raw(dir.file("t10k-labels-idx1-ubyte"), idx_bytes({kRunTest}, test_y));
}

TrainConfig config_with(const std::string& extra) {
  return parse_config_string("[model]\nlayers = [4, 3, 2]\n[data]\nclasses = 2\n" + extra, "run.toml");
}

RunSummary run(const TrainConfig& config, const TempDir& dir) {
  std::ostringstream out;
  RunOptions options;
  options.data_dir = dir.path();
  return run_training(config, options, out);
}

TEST(RunTraining, SchedulerStepsOncePerEpoch) {
  TempDir dir;
  write_data(dir);
  const RunSummary s = run(config_with("[optim]\nlr = 0.8\n[scheduler]\nname = \"steplr\"\nstep_size = 1\ngamma = 0.5\n"
                                       "[train]\nepochs = 3\nbatch_size = 5\n"),
                           dir);
  ASSERT_EQ(s.epochs.size(), 3u);
  EXPECT_EQ(s.epochs[0].lr, 0.8);
  EXPECT_EQ(s.epochs[1].lr, 0.4);
  EXPECT_EQ(s.epochs[2].lr, 0.2);
}

TEST(RunTraining, OneCycleStepsOncePerBatch) {
  TempDir dir;
  write_data(dir);
  // 12 examples in batches of 4: 3 batches an epoch, so total_steps = 2 x 3 and epoch 1 begins at step 3
  const TrainConfig config = config_with(
      "[optim]\nmomentum = 0.9\n[scheduler]\nname = \"onecyclelr\"\nmax_lr = 1\n"
      "[train]\nepochs = 2\nbatch_size = 4\n");
  const RunSummary s = run(config, dir);
  Tensor p = zeros(Shape{1}).requires_grad_();
  optim::SGD opt(std::vector<Tensor>{p}, {.momentum = 0.9});
  optim::OneCycleLR schedule(opt, {.max_lr = 1, .total_steps = 6});
  EXPECT_EQ(s.epochs[0].lr, schedule.get_last_lr()[0]);
  for (int i = 0; i < 3; ++i) schedule.step();
  EXPECT_EQ(s.epochs[1].lr, schedule.get_last_lr()[0]);
}

// Full-batch gradient descent by hand, as the run should do it: the loss of the whole training set
// before each step.
std::vector<double> full_batch_losses(const TrainConfig& config, const TempDir& dir, double clip_norm) {
  const data::Dataset set = data::load_mnist(dir.path(), true, config.data.classes, config.dtype);
  Generator gen(config.seed);
  auto model = build_model(config, gen);
  const LossFn loss_fn = build_loss(config);
  auto opt = build_optimizer(config, *model);
  std::vector<double> losses;
  for (std::int64_t e = 0; e < config.epochs; ++e) {
    opt->zero_grad();
    const Tensor loss = loss_fn(model->forward(set.inputs()), set.targets);
    loss.backward();
    if (clip_norm > 0) nn::utils::clip_grad_norm_(model->parameters(), clip_norm);
    opt->step();
    losses.push_back(loss.item());
  }
  return losses;
}

TEST(RunTraining, FullBatchIsGradientDescentOnTheWholeSet) {
  TempDir dir;
  write_data(dir);
  std::vector<std::vector<double>> runs;
  for (const std::string clip : {"", "clip_grad_norm = 0.05\n"}) {
    const TrainConfig config = config_with(
        "[optim]\nlr = 0.5\n[train]\nepochs = 4\nbatch_size = \"full\"\n"
        "dtype = \"float64\"\n" +
        clip);
    const RunSummary s = run(config, dir);
    const auto expected = full_batch_losses(config, dir, config.clip_grad_norm);
    ASSERT_EQ(s.epochs.size(), expected.size());
    runs.emplace_back();
    for (std::size_t e = 0; e < expected.size(); ++e) {
      EXPECT_NEAR(s.epochs[e].train_loss, expected[e], 1e-14) << clip << "epoch " << e;
      runs.back().push_back(s.epochs[e].train_loss);
    }
  }
  EXPECT_NE(runs[0].back(), runs[1].back());  // the clipping took effect
}

// With no subnormal number in this run, flushing them changes nothing; the run puts back the mode
// it found.
TEST(RunTraining, FlushDenormalIsSetForTheRunOnly) {
  TempDir dir;
  write_data(dir);
  const std::string train = "[train]\nepochs = 2\nbatch_size = 4\nseed = 3\n";
  const RunSummary plain = run(config_with(train), dir);
  const RunSummary flushed = run(config_with(train + "flush_denormal = true\n"), dir);
  EXPECT_FALSE(flush_denormal());
  ASSERT_EQ(plain.epochs.size(), flushed.epochs.size());
  for (std::size_t e = 0; e < plain.epochs.size(); ++e)
    EXPECT_EQ(plain.epochs[e].train_loss, flushed.epochs[e].train_loss);
}

TEST(RunTraining, ReduceLROnPlateauWatchesTheTrainingLoss) {
  TempDir dir;
  write_data(dir);
  // Watching for a rise (mode max) in a loss that full-batch descent lowers every epoch: from the
  // second epoch on each one is bad, and with patience 0 each halves the lr.
  const RunSummary s = run(config_with("[optim]\nlr = 0.1\n[scheduler]\nname = \"reducelronplateau\"\nmode = \"max\"\n"
                                       "patience = 0\nfactor = 0.5\n[train]\nepochs = 4\nbatch_size = \"full\"\n"),
                           dir);
  for (std::size_t e = 1; e < s.epochs.size(); ++e) ASSERT_LT(s.epochs[e].train_loss, s.epochs[e - 1].train_loss);
  EXPECT_EQ(s.epochs[0].lr, 0.1);
  EXPECT_EQ(s.epochs[1].lr, 0.1);
  EXPECT_EQ(s.epochs[2].lr, 0.05);
  EXPECT_EQ(s.epochs[3].lr, 0.025);
}

// train.seed seeds dropout's masks: a second run of the same config in the same process repeats the
// first exactly, whatever drew from the default generator in between; another seed draws other masks
// (the init alike: its weights are given here, so only the masks and the order differ).
TEST(RunTraining, TrainSeedSeedsDropout) {
  TempDir dir;
  write_data(dir);
  const std::string model =
      "[model]\ninput_shape = [4]\nweight_init = \"constant(0.3)\"\n[[model.layer]]\ntype = \"linear\"\n"
      "out_features = 6\n[[model.layer]]\ntype = \"dropout\"\np = 0.5\n[[model.layer]]\ntype = \"linear\"\n"
      "out_features = 2\n[data]\nclasses = 2\nshuffle = false\n[train]\nepochs = 3\nbatch_size = 4\n";
  const TrainConfig config = parse_config_string(model, "dropout.toml");
  const RunSummary first = run(config, dir);
  (void)randn({100}, Dtype::Float32);  // the default generator moves on
  const RunSummary second = run(config, dir);
  TrainConfig reseeded = config;
  reseeded.seed = config.seed + 10;
  const RunSummary other = run(reseeded, dir);
  ASSERT_EQ(first.epochs.size(), 3u);
  bool differs = false;
  for (std::size_t e = 0; e < first.epochs.size(); ++e) {
    EXPECT_EQ(first.epochs[e].train_loss, second.epochs[e].train_loss) << "epoch " << e;
    differs = differs || other.epochs[e].train_loss != first.epochs[e].train_loss;
  }
  EXPECT_TRUE(differs) << "another train.seed drew the same dropout masks";
}

}  // namespace
}  // namespace descent::train
