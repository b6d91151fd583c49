#pragma once
// Raw tensor memory, drawn from a caching pool. A training step asks for the same buffer sizes every
// step, so after the first step every request is served from the pool's free lists and the system
// allocator is not called for tensor data at all. memory_stats() shows it.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace descent {

class Storage {
 public:
  explicit Storage(std::size_t nbytes);
  // Memory that someone else owns and keeps alive for as long as the storage lives (data-parallel
  // exchange memory): neither drawn from the pool nor given back to it.
  struct Borrowed {};
  Storage(Borrowed, void* data, std::size_t nbytes) : data_(data), nbytes_(nbytes), borrowed_(true) {}
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

 private:
  void* data_;
  std::size_t nbytes_;
  bool borrowed_ = false;
};

struct MemoryStats {
  std::uint64_t system_allocations = 0;  // buffers obtained from the system allocator
  std::uint64_t pool_hits = 0;           // requests served from a free list
  std::size_t bytes_in_use = 0;
  std::size_t bytes_cached = 0;  // held in free lists, ready for reuse
};

MemoryStats memory_stats();
// Returns every buffer cached by the calling thread to the system.
void empty_cache();

}  // namespace descent
