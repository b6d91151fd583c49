#pragma once
// The part of the global batch this process computes during a data-parallel update: rows [begin,
// begin + size) of `total`. The two ops whose result depends on the rest of the batch read it:
//   batch norm (training) takes its mean and variance over the global batch, all-reduced over `group`,
//     and reduces its backward sums the same way (as PyTorch's SyncBatchNorm);
//   dropout draws the mask of the whole batch and keeps its own rows, so the masks, and the model, do
//     not depend on the number of processes.
// Either applies to a tensor whose first dimension is `size`, the shard's batch dimension. Outside a
// data-parallel update (one process, evaluation) there is no shard and nothing changes.
#include <cstdint>

#include "descent/distributed/communicator.hpp"

namespace descent::distributed {

struct BatchShard {
  std::int64_t begin = 0;
  std::int64_t size = 0;
  std::int64_t total = 0;
  Communicator* group = nullptr;
};

// The shard of the update under way on this thread, or null.
const BatchShard* current_batch_shard();

// Sets the current shard for its lifetime.
class BatchShardGuard {
 public:
  explicit BatchShardGuard(const BatchShard& shard);
  ~BatchShardGuard();
  BatchShardGuard(const BatchShardGuard&) = delete;
  BatchShardGuard& operator=(const BatchShardGuard&) = delete;

 private:
  const BatchShard* previous_;
  BatchShard shard_;
};

// Contiguous shards of a batch of `total` rows over `ranks`: the first total % ranks get one row more.
BatchShard shard_of(std::int64_t total, int rank, int ranks);

}  // namespace descent::distributed
