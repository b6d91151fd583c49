#pragma once
// What a data-parallel run (mpirun -np N descent train) adds to training, beside the communicator
// (distributed/): the weight of each shard's loss, and the part of an evaluation set each rank measures.
// The global batch is the config's batch_size; each update splits it into N contiguous shards
// (distributed::shard_of), one per rank.
#include <cstdint>

#include "descent/distributed/batch_shard.hpp"
#include "descent/tensor/tensor.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

// The factor that makes the ranks' losses add up to the global batch's: with reduction "mean" a shard's
// loss is its own mean, and the global mean weighs it by the shard's part of the mean's denominator (its
// rows; with class weights, CrossEntropyLoss and NLLLoss divide by the sum of the targets' weights, so the
// shard's part of that sum); with "sum", 1. `targets` are the global batch's.
double shard_loss_weight(const TrainConfig& config, const Tensor& targets, const distributed::BatchShard& shard);

// Rows [begin, end) of a set of `size` examples that `rank` of `ranks` evaluates: contiguous parts made
// of whole chunks of `chunk` rows, so that each chunk is computed as one process computes it.
struct RowRange {
  std::int64_t begin = 0, end = 0;
};
RowRange evaluation_rows(std::int64_t size, std::int64_t chunk, int rank, int ranks);

// A batch smaller than the number of ranks would leave a rank without rows: ConfigError naming the
// batch size, the data set's size and the ranks.
void check_batches_fit_ranks(const TrainConfig& config, std::int64_t train_size, std::int64_t batch_size, int ranks);

}  // namespace descent::train
