#include "descent/tensor/storage.hpp"

#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <new>
#include <vector>

namespace descent {
namespace {

// Buffers are grouped in power-of-two size classes, 64-byte aligned (cache lines, AVX-512 loads).
// Each thread keeps its own free lists (no lock on the hot path); a buffer freed on another thread
// joins that thread's lists. A thread caches at most kMaxCachedBytes.
constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMaxCachedBytes = std::size_t{2} << 30;

struct ThreadCache {
  std::array<std::vector<void*>, 64> free_lists;
  std::size_t bytes = 0;
};

// Never destroyed: tensors in static objects may be freed after thread_local objects die.
ThreadCache& cache() {
  thread_local ThreadCache* c = new ThreadCache;
  return *c;
}

struct Counters {
  std::atomic<std::uint64_t> system_allocations{0}, pool_hits{0};
  std::atomic<std::size_t> bytes_in_use{0}, bytes_cached{0};
};
Counters& counters() {
  static Counters* c = new Counters;
  return *c;
}

int size_class(std::size_t nbytes) { return std::bit_width(std::max<std::size_t>(nbytes, kAlignment) - 1); }

}  // namespace

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  const int cls = size_class(nbytes);
  const std::size_t class_bytes = std::size_t{1} << cls;
  Counters& n = counters();
  n.bytes_in_use.fetch_add(class_bytes, std::memory_order_relaxed);
  ThreadCache& c = cache();
  auto& list = c.free_lists[cls];
  if (!list.empty()) {
    data_ = list.back();
    list.pop_back();
    c.bytes -= class_bytes;
    n.bytes_cached.fetch_sub(class_bytes, std::memory_order_relaxed);
    n.pool_hits.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  n.system_allocations.fetch_add(1, std::memory_order_relaxed);
  data_ = std::aligned_alloc(kAlignment, class_bytes);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  const int cls = size_class(nbytes_);
  const std::size_t class_bytes = std::size_t{1} << cls;
  Counters& n = counters();
  n.bytes_in_use.fetch_sub(class_bytes, std::memory_order_relaxed);
  ThreadCache& c = cache();
  if (c.bytes + class_bytes <= kMaxCachedBytes) {
    c.free_lists[cls].push_back(data_);
    c.bytes += class_bytes;
    n.bytes_cached.fetch_add(class_bytes, std::memory_order_relaxed);
    return;
  }
  std::free(data_);
}

MemoryStats memory_stats() {
  const Counters& n = counters();
  return {n.system_allocations.load(), n.pool_hits.load(), n.bytes_in_use.load(), n.bytes_cached.load()};
}

void empty_cache() {
  ThreadCache& c = cache();
  for (auto& list : c.free_lists) {
    for (void* p : list) std::free(p);
    list.clear();
  }
  counters().bytes_cached.fetch_sub(c.bytes, std::memory_order_relaxed);
  c.bytes = 0;
}

}  // namespace descent
