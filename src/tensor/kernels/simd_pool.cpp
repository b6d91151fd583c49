// 2 x 2, stride 2 max pooling with AVX-512: 16 windows per step, their two input rows deinterleaved
// into the four taps, compared in window order. Other CPUs run the same rule one window at a time.
#include <immintrin.h>

#include <cmath>

#include "simd.hpp"

namespace descent::kernels::simd {
namespace {

__attribute__((target("avx512f,avx512vl"))) void max_pool_2x2_avx512(std::int64_t planes, std::int64_t h,
                                                                     std::int64_t w, std::int64_t oh_n,
                                                                     std::int64_t ow_n, const float* x, float* y,
                                                                     std::int64_t* idx) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512i twice_lane = even;  // 2 * lane: the left tap's column within a 16-window step
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* plane = x + p * h * w;
    for (std::int64_t oh = 0; oh < oh_n; ++oh, y += ow_n, idx += ow_n) {
      const float* r0 = plane + 2 * oh * w;
      const float* r1 = r0 + w;
      for (std::int64_t ow = 0; ow < ow_n; ow += 16) {
        const std::int64_t n = std::min<std::int64_t>(16, ow_n - ow);
        // the 2n input columns of these windows, as two masked 16-float loads per row
        const auto lo = static_cast<__mmask16>(n >= 8 ? 0xFFFF : (1u << (2 * n)) - 1);
        const auto hi = static_cast<__mmask16>(n <= 8 ? 0 : (1u << (2 * (n - 8))) - 1);
        const auto out = static_cast<__mmask16>((1u << n) - 1);
        const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * ow), a1 = _mm512_maskz_loadu_ps(hi, r0 + 2 * ow + 16);
        const __m512 b0 = _mm512_maskz_loadu_ps(lo, r1 + 2 * ow), b1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * ow + 16);
        const __m512 taps[4] = {_mm512_permutex2var_ps(a0, even, a1), _mm512_permutex2var_ps(a0, odd, a1),
                                _mm512_permutex2var_ps(b0, even, b1), _mm512_permutex2var_ps(b0, odd, b1)};
        const __m512i left = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(2 * oh * w + 2 * ow)), twice_lane);
        const int offsets[4] = {0, 1, static_cast<int>(w), static_cast<int>(w + 1)};
        __m512 best = taps[0];
        __m512i at = left;
        for (int t = 1; t < 4; ++t) {  // strictly greater, or NaN: the first maximum wins ties
          const __mmask16 take =
              _mm512_cmp_ps_mask(taps[t], best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(taps[t], taps[t], _CMP_UNORD_Q);
          best = _mm512_mask_mov_ps(best, take, taps[t]);
          at = _mm512_mask_mov_epi32(at, take, _mm512_add_epi32(left, _mm512_set1_epi32(offsets[t])));
        }
        _mm512_mask_storeu_ps(y + ow, out, best);
        // indices widened to int64, 8 at a time (the zero-masking forms: GCC 12 warns on the plain ones)
        for (int half = 0; half < 2; ++half) {
          const __m256i part =
              half == 0 ? _mm512_maskz_extracti64x4_epi64(0xF, at, 0) : _mm512_maskz_extracti64x4_epi64(0xF, at, 1);
          _mm512_mask_storeu_epi64(idx + ow + 8 * half, static_cast<__mmask8>(out >> (8 * half)),
                                   _mm512_maskz_cvtepi32_epi64(0xFF, part));
        }
      }
    }
  }
}

void max_pool_2x2_plain(std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh_n, std::int64_t ow_n,
                        const float* x, float* y, std::int64_t* idx) {
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t oh = 0; oh < oh_n; ++oh)
      for (std::int64_t ow = 0; ow < ow_n; ++ow, ++y, ++idx) {
        const std::int64_t left = 2 * oh * w + 2 * ow;
        const std::int64_t at[4] = {left, left + 1, left + w, left + w + 1};
        float best = x[p * h * w + at[0]];
        std::int64_t best_at = at[0];
        for (int t = 1; t < 4; ++t) {
          const float v = x[p * h * w + at[t]];
          if (v > best || std::isnan(v)) best = v, best_at = at[t];
        }
        *y = best;
        *idx = best_at;
      }
}

}  // namespace

void max_pool_2x2(std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh, std::int64_t ow, const float* x,
                  float* y, std::int64_t* idx) {
  if (isa() == Isa::Avx512) return max_pool_2x2_avx512(planes, h, w, oh, ow, x, y, idx);
  max_pool_2x2_plain(planes, h, w, oh, ow, x, y, idx);
}

}  // namespace descent::kernels::simd
