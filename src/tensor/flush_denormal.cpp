#include "descent/tensor/flush_denormal.hpp"

#include <atomic>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace descent {
namespace {

std::atomic<bool> mode{false};
thread_local bool thread_mode = false;  // what this thread's MXCSR holds (every thread starts with both off)

#if defined(__x86_64__)
// MXCSR bit 15 (flush to zero: subnormal results become 0) and bit 6 (denormals are zero: subnormal
// inputs read as 0).
constexpr unsigned kFtzDaz = (1u << 15) | (1u << 6);
#endif

void apply(bool on) {
#if defined(__x86_64__)
  const unsigned csr = _mm_getcsr();
  _mm_setcsr(on ? csr | kFtzDaz : csr & ~kFtzDaz);
  thread_mode = on;
#else
  (void)on;
#endif
}

}  // namespace

bool set_flush_denormal(bool on) {
#if defined(__x86_64__)
  mode.store(on, std::memory_order_relaxed);
  apply(on);
  return true;
#else
  (void)on;
  return false;
#endif
}

bool flush_denormal() { return mode.load(std::memory_order_relaxed); }

void follow_flush_denormal() {
  const bool on = mode.load(std::memory_order_relaxed);
  if (on != thread_mode) apply(on);
}

}  // namespace descent
