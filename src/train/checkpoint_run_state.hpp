#pragma once
// What a checkpoint's metadata holds of the run besides its parts' state (train/checkpoint.hpp): where
// an epoch under way stands (the data order's position, the sums of the epoch's line) and the counts of
// early stopping and --save-best. Private to src/train/checkpoint.cpp.
//   epoch_batches, epoch_samples          integers >= 0
//   epoch_loss_sum, epoch_lr, epoch_seconds   hexadecimal floats, finite (seconds >= 0)
//   loader_epoch_generator, loader_rows, loader_augment_generator   data::DataLoader::Position
//   early_stopping.best, .best_epoch, .wait; save_best.best, .best_epoch, .wait   BestMetric::State
#include <map>
#include <string>

#include "descent/data/data_loader.hpp"
#include "descent/train/checkpoint.hpp"

namespace descent::train {

using Metadata = std::map<std::string, std::string>;

void write_run_state(const TrainingProgress& progress, const data::DataLoader& loader, Metadata& metadata);
// Reads them into `progress` and, for a checkpoint written inside an epoch, puts `loader` back at its
// position. Throws IoError naming `path`, the key and its value when one is malformed.
void read_run_state(const std::string& path, const Metadata& metadata, data::DataLoader& loader,
                    TrainingProgress& progress);

}  // namespace descent::train
