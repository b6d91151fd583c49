#include "descent/tensor/kernels/parallel.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>

#include "descent/tensor/flush_denormal.hpp"

namespace descent::kernels {
namespace {

// How long a thread spins on the next region or the last worker before it sleeps (futex).
constexpr auto kSpin = std::chrono::microseconds(100);

thread_local bool in_region = false;

template <class T, class Done>
void spin_then_wait(const std::atomic<T>& value, T old, Done done) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  int polls = 0;
  while (!done()) {
    if ((++polls & 63) == 0 && std::chrono::steady_clock::now() > until) {
      value.wait(old, std::memory_order_acquire);
      old = value.load(std::memory_order_acquire);
      continue;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

class Pool {
 public:
  void run(int count, void (*work)(void*, int), void* context) {
    std::lock_guard lock(run_mutex_);  // one region at a time when several user threads call in
    while (threads_ < count - 1) {
      const int index = ++threads_;
      const std::uint64_t now = generation_.load(std::memory_order_relaxed);  // it waits for the next region
      std::thread([this, index, now] { serve(index, now); }).detach();        // the pool lives as long as the process
    }
    work_ = work;
    context_ = context;
    count_ = count;
    error_ = nullptr;
    // Every pooled thread reports back, taking part or not: none can then see the next region's
    // fields before it has finished with this one's.
    remaining_.store(threads_, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    call(0);
    int left = remaining_.load(std::memory_order_acquire);
    spin_then_wait(remaining_, left, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void call(int t) {
    in_region = true;
    if (t != 0) follow_flush_denormal();  // a pooled thread takes the mode set_flush_denormal set last
    try {
      work_(context_, t);
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    in_region = false;
  }

  void serve(int index, std::uint64_t seen) {
    for (;;) {
      spin_then_wait(generation_, seen, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      seen = generation_.load(std::memory_order_acquire);
      if (index < count_) call(index);  // a region may use fewer threads than the pool holds
      if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) remaining_.notify_one();
    }
  }

  std::mutex run_mutex_, error_mutex_;
  int threads_ = 0;  // pooled threads, besides the caller
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
  void (*work_)(void*, int) = nullptr;
  void* context_ = nullptr;
  int count_ = 0;
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: its threads outlive static destruction
  return *p;
}

}  // namespace

void parallel_run(int count, void (*work)(void*, int), void* context) {
  if (count <= 1 || in_region) {
    for (int t = 0; t < count; ++t) work(context, t);
    return;
  }
  pool().run(count, work, context);
}

}  // namespace descent::kernels
