// train_loader_options with [data] shuffle: true (the default) draws a new order each epoch, false gives
// the batches in the stored order every epoch, as torch.utils.data.DataLoader(shuffle=False); a full
// batch is never shuffled. Then each bad value of shuffle: a ConfigError naming the file, key and value.
#include "descent/train/train_loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>

#include "config_error.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::train {
namespace {

// The targets of every batch of `epochs` epochs over examples 0..n-1 (each example's target is its row).
std::vector<std::int64_t> drawn(const std::string& text, std::int64_t n, int epochs = 2) {
  const TrainConfig config = parse_config_string(text, "cfg.toml");
  std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), std::int64_t{0});
  data::Dataset set;
  set.set_inputs(zeros(Shape{n, 3}));
  set.targets = from_vector(rows, Shape{n});
  data::DataLoader loader(set, train_loader_options(config, n));
  std::vector<std::int64_t> out;
  data::Batch batch;
  for (int epoch = 0; epoch < epochs; ++epoch)
    for (loader.start_epoch(); loader.next(batch);)
      for (double t : batch.targets.to_vector()) out.push_back(static_cast<std::int64_t>(t));
  return out;
}

const std::string kModel = "[model]\nlayers = [3, 2]\n[train]\nbatch_size = 4\n[data]\nclasses = 2\n";

TEST(TrainLoader, ShuffleFalseKeepsTheStoredOrder) {
  std::vector<std::int64_t> stored(10);
  std::iota(stored.begin(), stored.end(), std::int64_t{0});
  std::vector<std::int64_t> twice = stored;
  twice.insert(twice.end(), stored.begin(), stored.end());
  EXPECT_EQ(drawn(kModel + "shuffle = false\n", 10), twice);
  const TrainConfig config = parse_config_string(kModel + "shuffle = false\n", "cfg.toml");
  EXPECT_FALSE(config.data.shuffle);
  EXPECT_FALSE(train_loader_options(config, 10).shuffle);
  EXPECT_EQ(train_loader_options(config, 10).batch_size, 4);
}

TEST(TrainLoader, ShuffleTrueDrawsANewOrderEachEpoch) {
  EXPECT_TRUE(parse_config_string(kModel, "cfg.toml").data.shuffle);  // the default
  const std::vector<std::int64_t> a = drawn(kModel + "shuffle = true\n", 10), b = drawn(kModel, 10);
  EXPECT_EQ(a, b);
  const std::vector<std::int64_t> first(a.begin(), a.begin() + 10), second(a.begin() + 10, a.end());
  std::vector<std::int64_t> stored(10);
  std::iota(stored.begin(), stored.end(), std::int64_t{0});
  EXPECT_NE(first, stored);
  EXPECT_NE(first, second);
  EXPECT_TRUE(std::is_permutation(first.begin(), first.end(), stored.begin()));
}

TEST(TrainLoader, FullBatchIsNeverShuffled) {
  const TrainConfig config = parse_config_string(
      "[model]\nlayers = [3, 2]\n[train]\nbatch_size = \"full\"\n[data]\nclasses = 2\n", "cfg.toml");
  EXPECT_FALSE(train_loader_options(config, 10).shuffle);
  EXPECT_EQ(train_loader_options(config, 10).batch_size, 10);
}

TEST(ShuffleKey, BadValues) {
  EXPECT_EQ(config_error(kModel + "shuffle = \"no\"\n"), "cfg.toml: data.shuffle = \"no\": expected true or false");
  EXPECT_EQ(config_error(kModel + "shuffle = 0\n"), "cfg.toml: data.shuffle = 0: expected true or false");
  EXPECT_EQ(config_error(kModel + "shuffle = [false]\n"), "cfg.toml: data.shuffle = [false]: expected true or false");
}

}  // namespace
}  // namespace descent::train
