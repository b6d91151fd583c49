// Strided row copies and sums with masked vector tails, for AVX-512 and AVX2, picked at run time
// (see simd.hpp).
// Vector values stay inside always-inlined functions (see simd.cpp).
#pragma GCC diagnostic ignored "-Wpsabi"

#include <immintrin.h>

#include <cstring>

#include "simd.hpp"

namespace descent::kernels::simd {
namespace {

// A row sum dst += src in full vectors of decreasing width (64, 32, 16 bytes), then scalars. A masked
// full-width vector would be shorter to write, but its read-modify-write spans the next row's start
// (image rows are a few dozen bytes apart), and the next row's load then waits for the store.
template <class T, int Bytes>
__attribute__((always_inline)) inline std::int64_t add_vectors(const T* s, T* d, std::int64_t k, std::int64_t len) {
  typedef T V __attribute__((vector_size(Bytes)));
  constexpr int L = Bytes / sizeof(T);
  for (; k + L <= len; k += L) {
    V a, b;
    std::memcpy(&a, s + k, Bytes);
    std::memcpy(&b, d + k, Bytes);
    b += a;
    std::memcpy(d + k, &b, Bytes);
  }
  return k;
}

// One row at a time: full vectors, then for copies the tail under a mask, so a row of 10 floats is one
// load and one store with AVX-512.
template <class T, bool Add>
__attribute__((target("avx512f,avx512vl"))) void rows_avx512(std::int64_t rows, std::int64_t len, const T* src,
                                                             std::int64_t ss, T* dst, std::int64_t ds) {
  constexpr int L = 64 / sizeof(T);
  const std::int64_t full = len - len % L;
  const unsigned tail = (1u << (len % L)) - 1;
  for (std::int64_t r = 0; r < rows; ++r, src += ss, dst += ds) {
    if constexpr (Add) {
      std::int64_t k = add_vectors<T, 64>(src, dst, 0, len);
      k = add_vectors<T, 32>(src, dst, k, len);
      k = add_vectors<T, 16>(src, dst, k, len);
      for (; k < len; ++k) dst[k] += src[k];
    } else if constexpr (sizeof(T) == 4) {
      for (std::int64_t k = 0; k < full; k += L) _mm512_storeu_ps(dst + k, _mm512_loadu_ps(src + k));
      if (tail) {
        const auto m = static_cast<__mmask16>(tail);
        _mm512_mask_storeu_ps(dst + full, m, _mm512_maskz_loadu_ps(m, src + full));
      }
    } else {
      for (std::int64_t k = 0; k < full; k += L) _mm512_storeu_pd(dst + k, _mm512_loadu_pd(src + k));
      if (tail) {
        const auto m = static_cast<__mmask8>(tail);
        _mm512_mask_storeu_pd(dst + full, m, _mm512_maskz_loadu_pd(m, src + full));
      }
    }
  }
}

template <class T, bool Add>
__attribute__((target("avx2"))) void rows_avx2(std::int64_t rows, std::int64_t len, const T* src, std::int64_t ss,
                                               T* dst, std::int64_t ds) {
  constexpr int L = 32 / sizeof(T);
  const std::int64_t full = len - len % L, rest = len % L;
  // lane i of the tail mask is on when i < rest
  const __m256i lanes = sizeof(T) == 4 ? _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7) : _mm256_setr_epi64x(0, 1, 2, 3);
  const __m256i mask = sizeof(T) == 4 ? _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rest)), lanes)
                                      : _mm256_cmpgt_epi64(_mm256_set1_epi64x(rest), lanes);
  for (std::int64_t r = 0; r < rows; ++r, src += ss, dst += ds) {
    if constexpr (Add) {
      std::int64_t k = add_vectors<T, 32>(src, dst, 0, len);
      k = add_vectors<T, 16>(src, dst, k, len);
      for (; k < len; ++k) dst[k] += src[k];
    } else if constexpr (sizeof(T) == 4) {
      for (std::int64_t k = 0; k < full; k += L) _mm256_storeu_ps(dst + k, _mm256_loadu_ps(src + k));
      if (rest) _mm256_maskstore_ps(dst + full, mask, _mm256_maskload_ps(src + full, mask));
    } else {
      for (std::int64_t k = 0; k < full; k += L) _mm256_storeu_pd(dst + k, _mm256_loadu_pd(src + k));
      if (rest) _mm256_maskstore_pd(dst + full, mask, _mm256_maskload_pd(src + full, mask));
    }
  }
}

template <class T, bool Add>
void rows_plain(std::int64_t rows, std::int64_t len, const T* src, std::int64_t ss, T* dst, std::int64_t ds) {
  for (std::int64_t r = 0; r < rows; ++r, src += ss, dst += ds)
    for (std::int64_t k = 0; k < len; ++k) dst[k] = Add ? dst[k] + src[k] : src[k];
}

template <class T, bool Add>
void rows(std::int64_t rows, std::int64_t len, const T* src, std::int64_t ss, T* dst, std::int64_t ds) {
  switch (isa()) {
    case Isa::Avx512: return rows_avx512<T, Add>(rows, len, src, ss, dst, ds);
    case Isa::Avx2: return rows_avx2<T, Add>(rows, len, src, ss, dst, ds);
    case Isa::Sse2: return rows_plain<T, Add>(rows, len, src, ss, dst, ds);
  }
}

}  // namespace

template <class T>
void copy_rows(std::int64_t rows, std::int64_t len, const T* src, std::int64_t src_stride, T* dst,
               std::int64_t dst_stride) {
  simd::rows<T, false>(rows, len, src, src_stride, dst, dst_stride);
}

template <class T>
void add_rows(std::int64_t rows, std::int64_t len, const T* src, std::int64_t src_stride, T* dst,
              std::int64_t dst_stride) {
  simd::rows<T, true>(rows, len, src, src_stride, dst, dst_stride);
}

template void copy_rows<float>(std::int64_t, std::int64_t, const float*, std::int64_t, float*, std::int64_t);
template void copy_rows<double>(std::int64_t, std::int64_t, const double*, std::int64_t, double*, std::int64_t);
template void add_rows<float>(std::int64_t, std::int64_t, const float*, std::int64_t, float*, std::int64_t);
template void add_rows<double>(std::int64_t, std::int64_t, const double*, std::int64_t, double*, std::int64_t);

}  // namespace descent::kernels::simd
