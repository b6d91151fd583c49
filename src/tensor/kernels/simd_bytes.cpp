// Bytes to scaled floats (pixels to [0, 1]) with AVX-512 and AVX2, picked at run time (see simd.hpp).
// GCC 12 vectorizes the plain loop for baseline x86-64 only, with 4-lane unpacking; a mini-batch of
// 10 MNIST images then costs as much as one of the step's matrix products. vpmovzxbd converts 16
// bytes per instruction.
#include <immintrin.h>

#include "simd.hpp"

namespace descent::kernels::simd {
namespace {

__attribute__((target("avx512f"))) void bytes_avx512(std::int64_t n, const std::uint8_t* src, float scale, float* dst) {
  const __m512 s = _mm512_set1_ps(scale);
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    // The zero-masked forms with every lane on: the plain intrinsics start from _mm512_undefined,
    // which GCC 12 reports as maybe-uninitialized.
    const __m512i ints = _mm512_maskz_cvtepu8_epi32(0xFFFF, b);
    _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(0xFFFF, ints), s));
  }
  for (; i < n; ++i) dst[i] = static_cast<float>(src[i]) * scale;
}

__attribute__((target("avx2"))) void bytes_avx2(std::int64_t n, const std::uint8_t* src, float scale, float* dst) {
  const __m256 s = _mm256_set1_ps(scale);
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i));
    _mm256_storeu_ps(dst + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)), s));
  }
  for (; i < n; ++i) dst[i] = static_cast<float>(src[i]) * scale;
}

void bytes_plain(std::int64_t n, const std::uint8_t* src, float scale, float* dst) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]) * scale;
}

}  // namespace

void bytes_to_float(std::int64_t n, const std::uint8_t* src, float scale, float* dst) {
  switch (isa()) {
    case Isa::Avx512: return bytes_avx512(n, src, scale, dst);
    case Isa::Avx2: return bytes_avx2(n, src, scale, dst);
    case Isa::Sse2: return bytes_plain(n, src, scale, dst);
  }
}

}  // namespace descent::kernels::simd
