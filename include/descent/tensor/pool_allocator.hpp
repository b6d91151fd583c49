#pragma once
// An allocator for the small objects a training step makes by the dozen (tensor handles, graph
// nodes, their edges): freed blocks go to a per-thread free list of their size class and are handed
// out again, so steady-state steps do not call the system allocator for them. Used through
// std::allocate_shared and as a container allocator.
#include <cstddef>
#include <memory>
#include <new>

namespace descent {

namespace pool_detail {
void* allocate(std::size_t bytes);
void deallocate(void* p, std::size_t bytes) noexcept;
}  // namespace pool_detail

template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(pool_detail::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool_detail::deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

template <class T, class... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace descent
