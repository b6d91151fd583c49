// [data] validation and [train] early_stopping: each kind of bad value is a ConfigError naming the file,
// the key and the value; the values a config sets are read into DataConfig and EarlyStoppingConfig.
#include <gtest/gtest.h>

#include <string>

#include "config_error.hpp"
#include "data/idx_files.hpp"

namespace descent::train {
namespace {

using data::testing::expect_contains;

const std::string kMlp = "[model]\nlayers = [4, 2]\n[data]\nclasses = 2\n";
// Inline regression data of three rows.
const std::string kInline =
    "[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[1], [2], [3]]\ntargets = [[1], [2], [3]]\n";

TEST(WorkflowConfig, ValuesAreRead) {
  const TrainConfig c = parse_config_string(
      kMlp + "validation = 2\n[train]\nearly_stopping = {metric = \"val_accuracy\", patience = 3, min_delta = 0.01}\n",
      "cfg.toml");
  EXPECT_EQ(c.data.validation, 2);
  ASSERT_TRUE(c.early_stopping);
  EXPECT_EQ(c.early_stopping->metric, "val_accuracy");
  EXPECT_EQ(c.early_stopping->patience, 3);
  EXPECT_EQ(c.early_stopping->min_delta, 0.01);
  // Defaults: no validation set, no early stopping; a table that sets nothing keeps val_loss, 5, 0.
  const TrainConfig d = parse_config_string(kMlp, "cfg.toml");
  EXPECT_EQ(d.data.validation, 0);
  EXPECT_FALSE(d.early_stopping);
  const TrainConfig e = parse_config_string(kMlp + "validation = 1\n[train.early_stopping]\n", "cfg.toml");
  ASSERT_TRUE(e.early_stopping);
  EXPECT_EQ(e.early_stopping->metric, "val_loss");
  EXPECT_EQ(e.early_stopping->patience, 5);
  EXPECT_EQ(e.early_stopping->min_delta, 0.0);
}

TEST(WorkflowConfig, BadValidation) {
  EXPECT_EQ(config_error(kMlp + "validation = -1\n"),
            "cfg.toml: data.validation = -1: expected validation >= 0 (0: no validation set)");
  EXPECT_EQ(config_error(kMlp + "validation = 1.5\n"), "cfg.toml: data.validation = 1.5: expected an integer");
  EXPECT_EQ(config_error(kMlp + "validation = \"10%\"\n"), "cfg.toml: data.validation = \"10%\": expected an integer");
  // Inline rows: at least one must be left to train on.
  expect_contains(config_error(kInline + "validation = 3\n"),
                  {"cfg.toml: data.validation = 3: expected fewer than the 3 rows of data.inputs"});
  // Pairs are drawn from the whole training set.
  expect_contains(config_error("[model]\nlayers = [4, 2]\nsiamese = \"cosine\"\n[loss]\nname = \"cosine_embedding\"\n"
                               "[data]\ntrain_pairs = 4\ntest_pairs = 2\nvalidation = 2\n"),
                  {"cfg.toml: data.validation = 2: expected 0 with model.siamese"});
}

TEST(WorkflowConfig, BadEarlyStopping) {
  const std::string v = kMlp + "validation = 2\n[train]\n";
  EXPECT_EQ(config_error(v + "early_stopping = 5\n"),
            "cfg.toml: train.early_stopping = 5: expected a table, e.g. {metric = \"val_loss\", patience = 5, "
            "min_delta = 0}");
  EXPECT_EQ(config_error(v + "early_stopping = {metric = \"loss\"}\n"),
            "cfg.toml: train.early_stopping.metric = \"loss\": expected one of val_loss, val_accuracy, train_loss, "
            "test_loss, test_accuracy");
  EXPECT_EQ(config_error(v + "early_stopping = {metric = 1}\n"),
            "cfg.toml: train.early_stopping.metric = 1: expected one of val_loss, val_accuracy, train_loss, "
            "test_loss, test_accuracy");
  EXPECT_EQ(config_error(v + "early_stopping = {patience = 0}\n"),
            "cfg.toml: train.early_stopping.patience = 0: expected patience >= 1 (epochs without improvement before "
            "stopping)");
  EXPECT_EQ(config_error(v + "early_stopping = {patience = 2.5}\n"),
            "cfg.toml: train.early_stopping.patience = 2.5: expected an integer");
  EXPECT_EQ(config_error(v + "early_stopping = {min_delta = -0.1}\n"),
            "cfg.toml: train.early_stopping.min_delta = -0.1: expected min_delta >= 0");
  EXPECT_EQ(config_error(v + "early_stopping = {min_delta = \"0\"}\n"),
            "cfg.toml: train.early_stopping.min_delta = \"0\": expected a number");
  expect_contains(config_error(v + "early_stopping = {mode = \"min\"}\n"),
                  {"cfg.toml: unknown key train.early_stopping.mode (known keys in [train.early_stopping]: metric, "
                   "patience, min_delta)"});
}

TEST(WorkflowConfig, EarlyStoppingMetricMustBeMeasured) {
  // val_ metrics need a validation set.
  expect_contains(config_error(kMlp + "[train]\nearly_stopping = {metric = \"val_loss\"}\n"),
                  {"cfg.toml: train.early_stopping.metric = \"val_loss\": expected data.validation > 0"});
  expect_contains(config_error(kMlp + "[train.early_stopping]\n"),
                  {"cfg.toml: train.early_stopping.metric = (default): expected data.validation > 0"});
  // Inline data is a regression: no accuracy.
  expect_contains(config_error(kInline + "validation = 1\n[train]\nearly_stopping = {metric = \"val_accuracy\"}\n"),
                  {"cfg.toml: train.early_stopping.metric = \"val_accuracy\": expected a loss"});
  // Pairs report no test loss.
  expect_contains(config_error("[model]\nlayers = [4, 2]\nsiamese = \"cosine\"\n[loss]\nname = \"cosine_embedding\"\n"
                               "[data]\ntrain_pairs = 4\ntest_pairs = 2\n[train]\nearly_stopping = {metric = "
                               "\"test_loss\"}\n"),
                  {"cfg.toml: train.early_stopping.metric = \"test_loss\": expected train_loss or test_accuracy"});
  // Metrics measured without a validation set are fine.
  EXPECT_NO_THROW(parse_config_string(kMlp + "[train]\nearly_stopping = {metric = \"test_accuracy\"}\n", "c.toml"));
  EXPECT_NO_THROW(parse_config_string(kInline + "[train]\nearly_stopping = {metric = \"train_loss\"}\n", "c.toml"));
}

}  // namespace
}  // namespace descent::train
