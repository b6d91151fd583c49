#pragma once
// How training draws its batches from the training set, in one place, so that `descent check` checks
// exactly the first batch `descent train` draws.
#include <cstdint>

#include "descent/data/data_loader.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// train.batch_size examples a batch, shuffled with seed train.seed + 1, or in the stored order with
// data.shuffle = false; each image transformed as data.augment says (training only: the test set's
// loaders take no augment). A full batch (batch_size = "full") is the whole training set in its file order:
// shuffling it would change nothing but the cost.
data::DataLoaderOptions train_loader_options(const TrainConfig& config, std::int64_t train_size);

// Seeds default_generator(), which dropout draws its masks from, with train.seed + 2 (the init uses
// train.seed, the shuffle train.seed + 1): a run's masks follow train.seed, and two runs of one config
// in one process draw the same masks. A resumed run then restores the checkpoint's generator state.
void seed_dropout(const TrainConfig& config);

}  // namespace descent::train
