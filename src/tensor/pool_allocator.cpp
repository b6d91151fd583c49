#include "descent/tensor/pool_allocator.hpp"

#include <cstdlib>

namespace descent::pool_detail {
namespace {

// Size classes of 16 bytes up to 512; larger blocks go straight to the system allocator.
constexpr std::size_t kGranule = 16, kClasses = 32;
// Each class keeps at most this many free blocks per thread; the rest are returned to the system.
constexpr std::size_t kMaxFreePerClass = 4096;

struct FreeBlock {
  FreeBlock* next;
};

struct FreeLists {
  FreeBlock* head[kClasses] = {};
  std::size_t count[kClasses] = {};
};

// Never destroyed: a block may be freed during static destruction, after thread_local objects die.
FreeLists& lists() {
  thread_local FreeLists* l = new FreeLists;
  return *l;
}

std::size_t size_class(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule; }

}  // namespace

void* allocate(std::size_t bytes) {
  const std::size_t c = size_class(bytes);
  if (c == 0 || c >= kClasses) return ::operator new(bytes);
  FreeLists& l = lists();
  if (FreeBlock* b = l.head[c]) {
    l.head[c] = b->next;
    --l.count[c];
    return b;
  }
  return ::operator new(c* kGranule);
}

void deallocate(void* p, std::size_t bytes) noexcept {
  const std::size_t c = size_class(bytes);
  if (c == 0 || c >= kClasses) return ::operator delete(p);
  FreeLists& l = lists();
  if (l.count[c] >= kMaxFreePerClass) return ::operator delete(p);
  auto* b = static_cast<FreeBlock*>(p);
  b->next = l.head[c];
  l.head[c] = b;
  ++l.count[c];
}

}  // namespace descent::pool_detail
