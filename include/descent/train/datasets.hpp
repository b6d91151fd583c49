#pragma once
// The training and test sets a config asks for: examples written in the config itself, or the IDX
// files of a data directory (MNIST, Fashion-MNIST).
#include <optional>
#include <string>

#include "descent/data/dataset.hpp"
#include "descent/data/normalize.hpp"
#include "descent/train/config.hpp"
#include "descent/train/data_fingerprint.hpp"

namespace descent::train {

struct TrainData {
  data::Dataset train, test;
  data::Dataset validation;  // [data] validation: held out of train (train/validation_split.hpp); else empty
  // normalize = "standardize": the training part's per-channel statistics, applied to every set.
  std::optional<data::ChannelStats> input_stats;
  bool classification = true;   // int64 labels; false for inline regression targets and for pairs
  bool pairs = false;           // model.siamese: both sets are pairs (data/pairs.hpp), float targets
  DataFingerprint fingerprint;  // of the sets as read, before normalization and pairs; checkpoints keep it
};

// True when the config reads its examples from a data directory.
bool needs_data_dir(const TrainConfig& config);
// `data_dir` is used only when needs_data_dir(config). Inline examples serve as both sets, as written
// (less the last data.validation rows, the validation set).
// The IDX images are scaled as data.normalize says (the training part's statistics for every set). With
// model.siamese, data.train_pairs pairs are drawn from the training set (seed train.seed) and
// data.test_pairs from the test set (seed train.seed + 1), targets +1 / -1 (cosine_embedding) or
// 1 / 0 (contrastive).
TrainData load_data(const TrainConfig& config, const std::string& data_dir);

}  // namespace descent::train
