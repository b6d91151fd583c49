// BestMetric and EarlyStopping against sequences worked by hand with Keras' rule (EarlyStopping,
// keras/callbacks.py: an epoch improves when current - min_delta < best for a loss, current + min_delta >
// best for an accuracy; `wait` counts the epochs since, and the run stops when wait >= patience); then a
// whole run on inline data whose validation loss rises after the first epoch.
#include "descent/train/early_stopping.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "descent/error.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

EpochResult val_loss(std::int64_t epoch, double v) {
  EpochResult r;
  r.epoch = epoch;
  r.validated = true;
  r.val_loss = v;
  return r;
}

// The epoch after which EarlyStopping says stop, or -1.
std::int64_t stop_epoch(const EarlyStoppingConfig& config, const std::vector<EpochResult>& epochs,
                        std::string* message = nullptr) {
  EarlyStopping stopping(config);
  for (const EpochResult& r : epochs)
    if (stopping.should_stop(r)) {
      if (message) *message = stopping.message();
      return r.epoch;
    }
  return -1;
}

TEST(EarlyStopping, LossStopsAfterPatienceEpochsWithoutImprovement) {
  // best 1.0 (e0), 0.5 (e1), e2 0.6 wait 1, best 0.4 (e3), e4 0.45 wait 1, e5 0.41 wait 2 = patience: stop.
  const std::vector<double> v = {1.0, 0.5, 0.6, 0.4, 0.45, 0.41, 0.3};
  std::vector<EpochResult> epochs;
  for (std::size_t i = 0; i < v.size(); ++i) epochs.push_back(val_loss(static_cast<std::int64_t>(i), v[i]));
  std::string message;
  EXPECT_EQ(stop_epoch({.metric = "val_loss", .patience = 2, .min_delta = 0}, epochs, &message), 5);
  EXPECT_EQ(message,
            "early stopping after epoch 5: val_loss has not improved by more than 0 for 2 epochs; best 0.4 at epoch 3");
  EXPECT_EQ(stop_epoch({.metric = "val_loss", .patience = 3, .min_delta = 0}, epochs), -1);
}

TEST(EarlyStopping, MinDeltaAndEqualValuesAreNoImprovement) {
  // min_delta 0.05: 0.97 + 0.05 = 1.02 is not below 1.0 (wait 1); 0.94 + 0.05 = 0.99 is (best 0.94);
  // 0.91 + 0.05 = 0.96 is not below 0.94 (wait 1).
  BestMetric best("val_loss", 0.05);
  EXPECT_TRUE(best.update(val_loss(0, 1.0)));
  EXPECT_FALSE(best.update(val_loss(1, 0.97)));
  EXPECT_TRUE(best.update(val_loss(2, 0.94)));
  EXPECT_FALSE(best.update(val_loss(3, 0.91)));
  EXPECT_EQ(best.best(), 0.94);
  EXPECT_EQ(best.best_epoch(), 2);
  EXPECT_EQ(best.epochs_without_improvement(), 1);
  // An equal value does not improve (Keras' np.less); a NaN never does.
  BestMetric plain("train_loss");
  EpochResult r;
  r.train_loss = 0.5;
  EXPECT_TRUE(plain.update(r));
  EXPECT_FALSE(plain.update(r));
  r.train_loss = NAN;
  EXPECT_FALSE(plain.update(r));
  EXPECT_EQ(plain.best(), 0.5);
}

TEST(EarlyStopping, AccuraciesMustRise) {
  // val_accuracy 0.5, 0.6 (best), 0.6 (equal: wait 1), 0.55 (wait 2): stop after epoch 3.
  std::vector<EpochResult> epochs;
  const std::vector<std::int64_t> correct = {50, 60, 60, 55};
  for (std::size_t i = 0; i < correct.size(); ++i) {
    EpochResult r = val_loss(static_cast<std::int64_t>(i), 0);
    r.val_correct = correct[i];
    r.val_total = 100;
    epochs.push_back(r);
  }
  std::string message;
  EXPECT_EQ(stop_epoch({.metric = "val_accuracy", .patience = 2, .min_delta = 0}, epochs, &message), 3);
  EXPECT_EQ(message,
            "early stopping after epoch 3: val_accuracy has not improved by more than 0 for 2 epochs; "
            "best 0.6 at epoch 1");
  EXPECT_EQ(metric_value("test_accuracy", EpochResult{.test_correct = 9, .test_total = 10}), 0.9);
  EXPECT_THROW(metric_value("accuracy", EpochResult{}), ValueError);
}

TEST(EarlyStopping, SaveBestNeedsAValidationSet) {
  const std::string mlp = "[model]\nlayers = [4, 2]\n[data]\nclasses = 2\n";
  EXPECT_EQ(save_best_metric(parse_config_string(mlp + "validation = 1\n", "cfg.toml")), "val_loss");
  EXPECT_EQ(save_best_metric(parse_config_string(
                mlp + "validation = 1\n[train]\nearly_stopping = {metric = \"val_accuracy\"}\n", "cfg.toml")),
            "val_accuracy");
  try {
    save_best_metric(parse_config_string(mlp, "cfg.toml"));
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cfg.toml: --save-best keeps the checkpoint with the best val_loss: expected [data] validation > 0, "
              "examples held out of training to measure it on");
  }
}

// A linear model y = w x + b from w = b = 0, full-batch SGD on (1, 1), (2, 2): w and b rise toward
// 1 and 0 (by hand: after epoch 0 w = 0.5, b = 0.3; epoch 1 w = 0.66, b = 0.39; epoch 2 w = 0.713,
// b = 0.414), so the prediction at the held-out x = 3 (1.8, 2.37, 2.553) moves away from its target
// -3: the validation loss rises from epoch 0 on, and patience 2 stops the run after epoch 2.
TEST(EarlyStopping, RunStopsWhenTheValidationLossRises) {
  const TrainConfig config = parse_config_string(
      "[model]\nlayers = [1, 1]\nactivation = \"none\"\noutput_activation = \"none\"\n[model.weights]\n"
      "\"0.weight\" = [[0.0]]\n\"0.bias\" = [0.0]\n[loss]\nname = \"mse\"\n[optim]\nlr = 0.1\n"
      "[data]\ninputs = [[1], [2], [3]]\ntargets = [[1], [2], [-3]]\nvalidation = 1\n"
      "[train]\nepochs = 20\nbatch_size = \"full\"\nearly_stopping = {metric = \"val_loss\", patience = 2}\n",
      "stop.toml");
  std::ostringstream out;
  const RunSummary s = run_training(config, {}, out);
  ASSERT_EQ(s.epochs.size(), 3u) << out.str();
  EXPECT_TRUE(s.stopped_early);
  EXPECT_NEAR(s.epochs[0].val_loss, (1.8 + 3) * (1.8 + 3), 1e-4);
  EXPECT_NEAR(s.epochs[1].val_loss, (2.37 + 3) * (2.37 + 3), 1e-4);
  EXPECT_NE(out.str().find("Epoch 2: loss "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("early stopping after epoch 2: val_loss has not improved by more than 0 for 2 epochs; "
                           "best 23.04 at epoch 0\n"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace descent::train
