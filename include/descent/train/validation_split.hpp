#pragma once
// [data] validation = N: training examples held out as a validation set, as Nielsen's network.py
// keeps the last 10,000 of MNIST's 60,000 training images (mnist_loader.load_data): the N examples
// after the first data.train_limit, or the last N of the training set when there is no limit; the
// last N rows of inline examples.
#include <cstdint>
#include <string>

#include "descent/data/dataset.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// How many training examples to read so that both parts are there: train_limit + validation with a
// limit, else 0 (all of them).
std::int64_t training_examples_to_read(const DataConfig& data);

// Splits `train` (read with training_examples_to_read) into the training part, left in `train`, and the
// validation part, returned; both own their tensors. `source` names where the examples came from, for
// messages. ConfigError naming data.validation and the counts when the split leaves no training
// example, or when the file holds fewer than train_limit + validation.
data::Dataset hold_out_validation(const TrainConfig& config, data::Dataset& train, const std::string& source);

}  // namespace descent::train
