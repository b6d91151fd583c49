// The per-epoch line and metrics of each kind of task, and the metrics file a regression run writes.
#include "descent/train/epoch_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "data/idx_files.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

EpochResult result() {
  return {.epoch = 2,
          .train_loss = 0.125,
          .test_loss = 0.0625,
          .test_correct = 9022,
          .test_total = 10000,
          .seconds = 0.5,
          .samples_per_second = 120000,
          .lr = 0.25,
          .threshold = 0.4321};
}

TEST(EpochReport, LinesInNielsensForm) {
  EXPECT_EQ(epoch_line(TaskKind::Classification, result()),
            "Epoch 2: 9022 / 10000  (train loss 0.125000, 0.50 s, 120000 samples/s)\n");
  EXPECT_EQ(epoch_line(TaskKind::Pairs, result()),
            "Epoch 2: 9022 / 10000 pairs  (threshold 0.4321, train loss 0.125000, 0.50 s, 120000 pairs/s)\n");
  EXPECT_EQ(epoch_line(TaskKind::Regression, result()), "Epoch 2: loss 0.0625  (0.50 s)\n");
}

TEST(EpochReport, MetricsKeysOfEachKind) {
  const auto keys = [](TaskKind kind) {
    const nlohmann::json j = nlohmann::json::parse(metrics_line(kind, result()));
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys(TaskKind::Classification), (V{"epoch", "lr", "samples_per_second", "seconds", "test_accuracy",
                                               "test_correct", "test_total", "train_loss"}));
  EXPECT_EQ(keys(TaskKind::Pairs), (V{"epoch", "lr", "samples_per_second", "seconds", "test_accuracy", "test_correct",
                                      "test_total", "threshold", "train_loss"}));
  EXPECT_EQ(keys(TaskKind::Regression), (V{"epoch", "lr", "samples_per_second", "seconds", "test_loss", "train_loss"}));
  const auto j = nlohmann::json::parse(metrics_line(TaskKind::Classification, result()));
  EXPECT_DOUBLE_EQ(j["test_accuracy"].get<double>(), 0.9022);
}

// With the test loss measured and a validation set: the figures inside the parenthesis, the line's start
// as before; the metrics gain test_loss, val_loss and, for classification, val_correct, val_total and
// val_accuracy (9011 / 10000 = 0.9011).
TEST(EpochReport, ValidationAndTestLossFigures) {
  EpochResult r = result();
  r.test_loss_measured = true;
  r.validated = true;
  r.val_loss = 0.25;
  r.val_correct = 9011;
  r.val_total = 10000;
  EXPECT_EQ(epoch_line(TaskKind::Classification, r),
            "Epoch 2: 9022 / 10000  (train loss 0.125000, val loss 0.250000, val 9011 / 10000, test loss 0.062500, "
            "0.50 s, 120000 samples/s)\n");
  EXPECT_EQ(epoch_line(TaskKind::Regression, r), "Epoch 2: loss 0.0625  (val loss 0.25, 0.50 s)\n");
  const auto j = nlohmann::json::parse(metrics_line(TaskKind::Classification, r));
  EXPECT_EQ(j["test_loss"].get<double>(), 0.0625);
  EXPECT_EQ(j["val_loss"].get<double>(), 0.25);
  EXPECT_EQ(j["val_correct"].get<std::int64_t>(), 9011);
  EXPECT_EQ(j["val_total"].get<std::int64_t>(), 10000);
  EXPECT_DOUBLE_EQ(j["val_accuracy"].get<double>(), 0.9011);
  const auto regression = nlohmann::json::parse(metrics_line(TaskKind::Regression, r));
  EXPECT_EQ(regression["val_loss"].get<double>(), 0.25);
  EXPECT_FALSE(regression.contains("val_accuracy"));
}

TEST(EpochReport, RegressionMetricsHoldTheLr) {
  data::testing::TempDir dir;
  const TrainConfig config = parse_config_string(
      "[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[optim]\nlr = 0.05\n[data]\ninputs = [[1.0], [2.0]]\ntargets "
      "= [[2.0], [4.0]]\n"
      "[train]\nepochs = 2\nbatch_size = 2\n",
      "regression.toml");
  RunOptions options;
  options.metrics_path = dir.file("metrics.jsonl");
  std::ostringstream out;
  const RunSummary s = run_training(config, options, out);
  std::ifstream metrics(options.metrics_path);
  std::string line;
  for (const EpochResult& r : s.epochs) {
    ASSERT_TRUE(std::getline(metrics, line));
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["lr"].get<double>(), 0.05) << line;
    EXPECT_EQ(j["test_loss"].get<double>(), r.test_loss) << line;
    EXPECT_FALSE(j.contains("test_correct")) << line;
  }
  EXPECT_FALSE(std::getline(metrics, line));
}

}  // namespace
}  // namespace descent::train
