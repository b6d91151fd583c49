#include "descent/tensor/storage.hpp"

#include <array>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace descent {
namespace {

// Buffers are grouped in power-of-two size classes, 64-byte aligned (cache lines, AVX-512 loads).
// A freed buffer goes to its class's free list, up to kMaxCachedBytes in all.
constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMaxCachedBytes = std::size_t{2} << 30;

struct Pool {
  std::mutex mutex;
  std::array<std::vector<void*>, 64> free_lists;
  MemoryStats stats;

  ~Pool() {
    for (auto& list : free_lists)
      for (void* p : list) std::free(p);
  }
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: tensors in static objects may outlive main()
  return *p;
}

int size_class(std::size_t nbytes) { return std::bit_width(std::max<std::size_t>(nbytes, kAlignment) - 1); }

}  // namespace

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  const int cls = size_class(nbytes);
  const std::size_t class_bytes = std::size_t{1} << cls;
  Pool& p = pool();
  {
    std::lock_guard lock(p.mutex);
    auto& list = p.free_lists[cls];
    p.stats.bytes_in_use += class_bytes;
    if (!list.empty()) {
      data_ = list.back();
      list.pop_back();
      p.stats.bytes_cached -= class_bytes;
      ++p.stats.pool_hits;
      return;
    }
    ++p.stats.system_allocations;
  }
  data_ = std::aligned_alloc(kAlignment, class_bytes);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  const int cls = size_class(nbytes_);
  const std::size_t class_bytes = std::size_t{1} << cls;
  Pool& p = pool();
  {
    std::lock_guard lock(p.mutex);
    p.stats.bytes_in_use -= class_bytes;
    if (p.stats.bytes_cached + class_bytes <= kMaxCachedBytes) {
      p.free_lists[cls].push_back(data_);
      p.stats.bytes_cached += class_bytes;
      return;
    }
  }
  std::free(data_);
}

MemoryStats memory_stats() {
  std::lock_guard lock(pool().mutex);
  return pool().stats;
}

void empty_cache() {
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  for (auto& list : p.free_lists) {
    for (void* ptr : list) std::free(ptr);
    list.clear();
  }
  p.stats.bytes_cached = 0;
}

}  // namespace descent
