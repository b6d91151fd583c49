#include "descent/tensor/storage.hpp"

#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#include <sys/mman.h>

namespace descent {
namespace {

// Buffers are grouped in power-of-two size classes, 64-byte aligned (cache lines, AVX-512 loads).
// Each thread keeps its own free lists (no lock on the hot path); a buffer freed on another thread
// joins that thread's lists. A thread caches at most kMaxCachedBytes.
constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMaxCachedBytes = std::size_t{2} << 30;

// Buffers of 2 MB or more (a size class is a power of two, so a whole number of them) start on a 2 MB
// boundary and ask for transparent huge pages, which the kernel grants them where THP is "madvise"
// (Debian's default) or "always". The first touch of each 4 KB page is a page fault, and in a virtual
// machine a costly one: 8 MB took 29 ms to touch first against 0.5 ms in huge pages, and 0.4 ms the
// second time (AMD EPYC Zen 5 VM). A training run's first step touches its parameters' gradients and
// state and its activations for the first time: the [784, 1024, 1024, 10] MLP's first step took 74 to 89
// ms, five times a later one, and creating its momentum buffers 27.6 ms in small pages, 15.6 in huge.
// NumPy does the same by default for arrays of 4 MB or more; PyTorch on request (THP_MEM_ALLOC_ENABLE=1).
constexpr std::size_t kHugePage = std::size_t{2} << 20;

void* allocate(std::size_t class_bytes) {
  if (class_bytes < kHugePage) return std::aligned_alloc(kAlignment, class_bytes);
  void* data = std::aligned_alloc(kHugePage, class_bytes);
#ifdef MADV_HUGEPAGE
  if (data) madvise(data, class_bytes, MADV_HUGEPAGE);  // advice only: a refusal leaves 4 KB pages
#endif
  return data;
}

// Each thread counts its own allocations: only it writes its counters (plain loads and stores, no
// locked read-modify-write on the hot path); memory_stats() adds up every thread's.
struct Counters {
  std::atomic<std::uint64_t> system_allocations{0}, pool_hits{0};
  std::atomic<std::int64_t> bytes_in_use{0}, bytes_cached{0};  // signed: a thread may free what another made
};

template <class T, class D>
void bump(std::atomic<T>& counter, D delta) {
  counter.store(counter.load(std::memory_order_relaxed) + static_cast<T>(delta), std::memory_order_relaxed);
}

struct ThreadCache {
  std::array<std::vector<void*>, 64> free_lists;
  std::size_t bytes = 0;
  Counters counters;
};

struct Registry {
  std::mutex mutex;
  std::vector<ThreadCache*> caches;
};
Registry& registry() {
  static Registry* r = new Registry;  // never destroyed, like the caches
  return *r;
}

// Never destroyed: tensors in static objects may be freed after thread_local objects die.
ThreadCache& cache() {
  thread_local ThreadCache* c = [] {
    auto* fresh = new ThreadCache;
    std::lock_guard lock(registry().mutex);
    registry().caches.push_back(fresh);
    return fresh;
  }();
  return *c;
}

int size_class(std::size_t nbytes) { return std::bit_width(std::max<std::size_t>(nbytes, kAlignment) - 1); }

}  // namespace

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  const int cls = size_class(nbytes);
  const std::size_t class_bytes = std::size_t{1} << cls;
  ThreadCache& c = cache();
  Counters& n = c.counters;
  bump(n.bytes_in_use, class_bytes);
  auto& list = c.free_lists[cls];
  if (!list.empty()) {
    data_ = list.back();
    list.pop_back();
    c.bytes -= class_bytes;
    bump(n.bytes_cached, -static_cast<std::int64_t>(class_bytes));
    bump(n.pool_hits, 1);
    return;
  }
  bump(n.system_allocations, 1);
  data_ = allocate(class_bytes);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  if (borrowed_) return;
  const int cls = size_class(nbytes_);
  const std::size_t class_bytes = std::size_t{1} << cls;
  ThreadCache& c = cache();
  Counters& n = c.counters;
  bump(n.bytes_in_use, -static_cast<std::int64_t>(class_bytes));
  if (c.bytes + class_bytes <= kMaxCachedBytes) {
    c.free_lists[cls].push_back(data_);
    c.bytes += class_bytes;
    bump(n.bytes_cached, class_bytes);
    return;
  }
  std::free(data_);
}

MemoryStats memory_stats() {
  std::lock_guard lock(registry().mutex);
  MemoryStats s;
  std::int64_t in_use = 0, cached = 0;
  for (const ThreadCache* c : registry().caches) {
    s.system_allocations += c->counters.system_allocations.load(std::memory_order_relaxed);
    s.pool_hits += c->counters.pool_hits.load(std::memory_order_relaxed);
    in_use += c->counters.bytes_in_use.load(std::memory_order_relaxed);
    cached += c->counters.bytes_cached.load(std::memory_order_relaxed);
  }
  s.bytes_in_use = static_cast<std::size_t>(std::max<std::int64_t>(in_use, 0));
  s.bytes_cached = static_cast<std::size_t>(std::max<std::int64_t>(cached, 0));
  return s;
}

void empty_cache() {
  ThreadCache& c = cache();
  for (auto& list : c.free_lists) {
    for (void* p : list) std::free(p);
    list.clear();
  }
  bump(c.counters.bytes_cached, -static_cast<std::int64_t>(c.bytes));
  c.bytes = 0;
}

}  // namespace descent
