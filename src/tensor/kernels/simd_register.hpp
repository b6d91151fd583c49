#pragma once
// The SIMD register type that simd.cpp's kernels and simd_optim.cpp's optimizer steps are written on:
// `Bytes` bytes of T lanes as a GCC vector, with unaligned loads and stores. Included by those sources
// alone, which are compiled for baseline x86-64 and pick AVX2 or AVX-512 per function; every use is
// always inlined into such a function, so the ABI of passing vectors between differently compiled
// functions (what -Wpsabi warns about) never comes into play.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <cstring>

namespace descent::kernels::simd {
namespace {

template <class T, int Bytes>
struct Simd {
  typedef T type __attribute__((vector_size(Bytes)));
  static constexpr int lanes = Bytes / sizeof(T);
  __attribute__((always_inline)) static type load(const T* p) {
    type v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  __attribute__((always_inline)) static void store(T* p, type v) { std::memcpy(p, &v, sizeof v); }
  __attribute__((always_inline)) static T hsum(type v) {  // halving: log2(lanes) vector adds
    if constexpr (Bytes > 16) {
      typename Simd<T, Bytes / 2>::type lo, hi;
      std::memcpy(&lo, &v, Bytes / 2);
      std::memcpy(&hi, reinterpret_cast<const char*>(&v) + Bytes / 2, Bytes / 2);
      return Simd<T, Bytes / 2>::hsum(lo + hi);
    } else {
      T s = 0;
      for (int i = 0; i < lanes; ++i) s += v[i];
      return s;
    }
  }
};

}  // namespace
}  // namespace descent::kernels::simd
