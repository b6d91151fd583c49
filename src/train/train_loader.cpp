#include "descent/train/train_loader.hpp"

#include <algorithm>

#include "descent/tensor/generator.hpp"

namespace descent::train {

data::DataLoaderOptions train_loader_options(const TrainConfig& config, std::int64_t train_size) {
  const bool full_batch = config.batch_size == kFullBatch;
  return {.batch_size = full_batch ? std::max<std::int64_t>(train_size, 1) : config.batch_size,
          .shuffle = !full_batch && config.data.shuffle,
          .seed = config.seed + 1,
          .augment = config.data.augment};
}

void seed_dropout(const TrainConfig& config) { default_generator().manual_seed(config.seed + 2); }

}  // namespace descent::train
