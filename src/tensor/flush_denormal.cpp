#include "descent/tensor/flush_denormal.hpp"

#include <atomic>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace descent {
namespace {

std::atomic<bool> mode{false};

#if defined(__x86_64__)
// MXCSR bit 15 (flush to zero: subnormal results become 0) and bit 6 (denormals are zero: subnormal
// inputs read as 0).
constexpr unsigned kFtzDaz = (1u << 15) | (1u << 6);
#endif

}  // namespace

bool set_flush_denormal(bool on) {
#if defined(__x86_64__)
  mode.store(on, std::memory_order_relaxed);
  follow_flush_denormal();
  return true;
#else
  (void)on;
  return false;
#endif
}

bool flush_denormal() { return mode.load(std::memory_order_relaxed); }

void follow_flush_denormal() {
#if defined(__x86_64__)
  const unsigned csr = _mm_getcsr();
  const unsigned wanted = mode.load(std::memory_order_relaxed) ? csr | kFtzDaz : csr & ~kFtzDaz;
  if (wanted != csr) _mm_setcsr(wanted);
#endif
}

}  // namespace descent
