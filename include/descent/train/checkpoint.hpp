#pragma once
// Training checkpoints in the safetensors format: the model's parameters and buffers under their own
// names ("0.weight"), the optimizer's buffers under "optimizer.<parameter>.<buffer>", and in the
// header's metadata the optimizer's and the schedule's numbers (as hexadecimal floats, so they
// read back bit for bit), the epochs done and updates made, the data order's and the default random
// generator's states, the config, the data the run trains on (train/data_fingerprint.hpp) and the mean
// loss of its first updates (train/divergence_guard.hpp), the counts of early stopping and --save-best.
// A checkpoint written inside an epoch (--save-every, a stop by a signal) also holds where the epoch
// stands: the data order's position and what the epoch's line sums, so that a resumed run goes on with
// the same batch and ends bit for bit as a run never stopped. Written to a temporary file, fsync'ed and
// renamed (util/atomic_file.hpp): a crash never leaves a half-written checkpoint.
#include <cstdint>
#include <optional>
#include <string>

#include "descent/data/data_loader.hpp"
#include "descent/data/normalize.hpp"
#include "descent/nn/module.hpp"
#include "descent/optim/lr_scheduler/lr_scheduler.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/train/config.hpp"
#include "descent/train/data_fingerprint.hpp"
#include "descent/train/early_stopping.hpp"

namespace descent::train {

// The part of an epoch done when a checkpoint was written inside it.
struct EpochPosition {
  std::int64_t batches = 0;  // updates made in the epoch
  std::int64_t samples = 0;  // the examples they took
  double loss_sum = 0;       // their losses times their batch sizes: the epoch's train loss is loss_sum / samples
  double lr = 0;             // the lr at the epoch's start, which its metrics line reports
  double seconds = 0;        // the time they took (a timing: the one number a resumed run need not repeat)
};

struct TrainingProgress {
  std::int64_t epochs_done = 0;  // the next epoch to train is this one
  std::int64_t step = 0;         // updates made
  // The mean loss of the run's first updates and how many it covers (DivergenceGuard's reference); 0
  // updates: none yet, or a checkpoint written before it was kept.
  double first_losses_mean = 0;
  std::int64_t first_losses = 0;
  // The data the run trains on; absent in checkpoints written before it was kept.
  std::optional<DataFingerprint> data = std::nullopt;
  // Written inside epoch `epochs_done`: how far it went; absent: at an epoch's end.
  std::optional<EpochPosition> in_epoch = std::nullopt;
  // [train] early_stopping's and --save-best's counts after the epochs done; absent: not kept.
  std::optional<BestMetric::State> early_stopping = std::nullopt;
  std::optional<BestMetric::State> save_best = std::nullopt;
};

// The training run's parts, as run_training holds them; the scheduler may be null.
struct TrainingParts {
  nn::Module& model;
  optim::Optimizer& optimizer;
  optim::LRScheduler* scheduler;
  data::DataLoader& loader;
  // [data] normalize = "standardize": the training part's statistics, stored in the metadata as
  // input_mean and input_std (hexadecimal floats, one per channel, comma-separated); may be null.
  const data::ChannelStats* input_stats = nullptr;
};

void save_checkpoint(const std::string& path, const TrainConfig& config, const TrainingParts& parts,
                     TrainingProgress progress);
// Restores every part from `path`. Throws IoError for a missing, truncated or corrupt file, and
// ConfigError when the checkpoint does not fit the model the config builds (names, shapes, dtypes).
TrainingProgress load_checkpoint(const std::string& path, const TrainConfig& config, const TrainingParts& parts);
// The model's parameters and buffers alone from `path` (descent landscape), with the errors of
// load_checkpoint. Returns the data it was trained on, when the checkpoint records it.
std::optional<DataFingerprint> load_weights(const std::string& path, const TrainConfig& config, nn::Module& model);

// What a command that uses a trained model (descent eval, predict) reads from its checkpoint.
struct TrainedModel {
  std::optional<DataFingerprint> data;            // the data it was trained on, when recorded
  std::optional<data::ChannelStats> input_stats;  // normalize = "standardize": the training part's statistics
};
// load_weights, and the input statistics when the checkpoint holds them (IoError when they do not read
// as numbers, one mean and one std per channel).
TrainedModel load_trained_model(const std::string& path, const TrainConfig& config, nn::Module& model);

}  // namespace descent::train
