#include "descent/distributed/batch_shard.hpp"

#include <algorithm>

namespace descent::distributed {
namespace {

thread_local const BatchShard* current = nullptr;

}  // namespace

const BatchShard* current_batch_shard() { return current; }

BatchShardGuard::BatchShardGuard(const BatchShard& shard) : previous_(current), shard_(shard) { current = &shard_; }

BatchShardGuard::~BatchShardGuard() { current = previous_; }

BatchShard shard_of(std::int64_t total, int rank, int ranks) {
  const std::int64_t base = total / ranks, extra = total % ranks;
  const std::int64_t begin = rank * base + std::min<std::int64_t>(rank, extra);
  return {.begin = begin, .size = base + (rank < extra ? 1 : 0), .total = total};
}

}  // namespace descent::distributed
