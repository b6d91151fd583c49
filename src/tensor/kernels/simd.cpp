#include "simd.hpp"
#include "simd_register.hpp"

// Every vector value below lives inside always-inlined functions, so the ABI of passing vectors
// between differently compiled functions (what -Wpsabi warns about) never comes into play.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

// SLEEF's exponentials (1-ulp accuracy) for each instruction set, declared here because sleef.h
// shows each one only to code compiled for that set, and this file picks the set per function.
extern "C" {
__m512 Sleef_expf16_u10avx512f(__m512);
__m512d Sleef_expd8_u10avx512f(__m512d);
__m256 Sleef_expf8_u10avx2(__m256);
__m256d Sleef_expd4_u10avx2(__m256d);
__m128 Sleef_expf4_u10sse2(__m128);
__m128d Sleef_expd2_u10sse2(__m128d);
}

namespace descent::kernels::simd {
namespace {

// Four lanes of T.
template <class T>
using Four = typename Simd<T, 4 * sizeof(T)>::type;

// The four sums of a, b, c and d, as the lanes of one vector: halving adds down to four lanes, then
// one 4 x 4 transpose-add. Four horizontal sums at once cost about what one costs alone.
template <class T, int Bytes>
__attribute__((always_inline)) inline Four<T> sum4(typename Simd<T, Bytes>::type a, typename Simd<T, Bytes>::type b,
                                                   typename Simd<T, Bytes>::type c, typename Simd<T, Bytes>::type d) {
  constexpr int L = Simd<T, Bytes>::lanes;
  static_assert(L >= 4);
  if constexpr (L > 4) {
    using H = typename Simd<T, Bytes / 2>::type;
    auto fold = [](typename Simd<T, Bytes>::type v) __attribute__((always_inline)) {
      H lo, hi;
      std::memcpy(&lo, &v, Bytes / 2);
      std::memcpy(&hi, reinterpret_cast<const char*>(&v) + Bytes / 2, Bytes / 2);
      return lo + hi;
    };
    return sum4<T, Bytes / 2>(fold(a), fold(b), fold(c), fold(d));
  } else {
    const auto ab = __builtin_shufflevector(a, b, 0, 4, 1, 5) + __builtin_shufflevector(a, b, 2, 6, 3, 7);
    const auto cd = __builtin_shufflevector(c, d, 0, 4, 1, 5) + __builtin_shufflevector(c, d, 2, 6, 3, 7);
    return __builtin_shufflevector(ab, cd, 0, 1, 4, 5) + __builtin_shufflevector(ab, cd, 2, 3, 6, 7);
  }
}

// The rows of an operand as the kernels read them: b[p] is row p, b.after(j) the rows from j on. Strided: a
// matrix with a leading dimension. Listed: one pointer per row, so that im2col's rows can point into
// shared planes (conv.cpp).
template <class T>
struct StridedRows {
  const T* b;
  std::int64_t ld;
  const T* operator[](std::int64_t p) const { return b + p * ld; }
  StridedRows after(std::int64_t j) const { return {b + j * ld, ld}; }
};
template <class T>
struct ListedRows {
  const T* const* rows;
  const T* operator[](std::int64_t p) const { return rows[p]; }
  ListedRows after(std::int64_t j) const { return {rows + j}; }
};

// One RI x RJ block of C[i][j] = alpha * sum_k A[i][k] B[j][k] + beta C[i][j]: RI rows of A and RJ rows
// of B stream through registers once, feeding RI * RJ vector accumulators.
template <class T, int Bytes, int RI, int RJ, class ARows, class BRows>
__attribute__((always_inline)) inline void nt_block(std::int64_t k, T alpha, ARows a, BRows b, T beta, T* c,
                                                    std::int64_t ldc) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes;
  const std::int64_t kv = k - k % L;
  v acc[RI][RJ] = {};
  for (std::int64_t p = 0; p < kv; p += L) {
    v av[RI], bv[RJ];
    for (int r = 0; r < RI; ++r) av[r] = V::load(a[r] + p);
    for (int s = 0; s < RJ; ++s) bv[s] = V::load(b[s] + p);
    for (int r = 0; r < RI; ++r)
      for (int s = 0; s < RJ; ++s) acc[r][s] += av[r] * bv[s];
  }
  // A tail of k shorter than a vector: the last whole vector of each row, ending at k, with the lanes
  // the loop above has already summed replaced by zeros (a select, so an infinity there stays out).
  const bool overlap = kv < k && k >= L;
  if (overlap) {
    using Lane = decltype(acc[0][0] < acc[0][0]);  // the integer vector a comparison yields
    Lane lane{};
    for (int i = 0; i < L; ++i) lane[i] = i;
    const Lane fresh = lane >= static_cast<typename std::remove_reference_t<decltype(lane[0])>>(L - (k - kv));
    const std::int64_t p = k - L;
    v av[RI], bv[RJ];
    for (int r = 0; r < RI; ++r) av[r] = fresh ? V::load(a[r] + p) : v{};
    for (int s = 0; s < RJ; ++s) bv[s] = V::load(b[s] + p);
    for (int r = 0; r < RI; ++r)
      for (int s = 0; s < RJ; ++s) acc[r][s] += av[r] * bv[s];
  }
  // Blocks four columns wide with no scalar tail: each row's four sums are one vector, scaled and
  // stored as one (most of the blocks of a product; the rest take the general path below).
  if constexpr (RJ == 4 && L >= 4) {
    if (kv == k || overlap) {
      using Q = Simd<T, 4 * sizeof(T)>;
      for (int r = 0; r < RI; ++r) {
        Four<T> q = alpha * sum4<T, Bytes>(acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
        if (beta != T(0)) q += beta * Q::load(c + r * ldc);
        Q::store(c + r * ldc, q);
      }
      return;
    }
  }
  // The horizontal sums, four accumulators at a time (in row-major order over the block).
  T sums[RI * RJ];
  constexpr int kFours = L >= 4 ? RI * RJ / 4 * 4 : 0;
  if constexpr (kFours > 0)
    for (int f = 0; f < kFours; f += 4) {
      const Four<T> q = sum4<T, Bytes>(acc[f / RJ][f % RJ], acc[(f + 1) / RJ][(f + 1) % RJ],
                                       acc[(f + 2) / RJ][(f + 2) % RJ], acc[(f + 3) / RJ][(f + 3) % RJ]);
      std::memcpy(sums + f, &q, sizeof q);
    }
  for (int f = kFours; f < RI * RJ; ++f) sums[f] = V::hsum(acc[f / RJ][f % RJ]);
  for (int r = 0; r < RI; ++r) {
    for (int s = 0; s < RJ; ++s) {
      T sum = sums[r * RJ + s];
      if (!overlap)
        for (std::int64_t p = kv; p < k; ++p) sum += a[r][p] * b[s][p];
      T& out = c[r * ldc + s];
      out = alpha * sum + (beta == T(0) ? T(0) : beta * out);
    }
  }
}

// Edge blocks get their own fixed-size instantiation, so no block runs a generic loop.
template <class T, int Bytes, int RI, int RJ, class ARows, class BRows>
__attribute__((always_inline)) inline void nt_block_upto(int ri, int rj, std::int64_t k, T alpha, ARows a, BRows b,
                                                         T beta, T* c, std::int64_t ldc) {
  if constexpr (RI > 1)
    if (ri < RI) return nt_block_upto<T, Bytes, RI - 1, RJ>(ri, rj, k, alpha, a, b, beta, c, ldc);
  if constexpr (RJ > 1)
    if (rj < RJ) return nt_block_upto<T, Bytes, RI, RJ - 1>(ri, rj, k, alpha, a, b, beta, c, ldc);
  nt_block<T, Bytes, RI, RJ>(k, alpha, a, b, beta, c, ldc);
}

// Operands of at most this many elements in all are copied, zero-padded, when k is shorter than one
// vector (nt_block handles the tail of a longer k): k = 10 would otherwise run wholly in scalar code.
constexpr std::int64_t kPadElements = 16384;

// C = alpha A B^T + beta C in blocks sized to the register file: 5 x 4 accumulators of the 32
// AVX-512 registers (a mini-batch of 10 is two blocks), 2 x 4 of AVX2's and SSE2's 16.
template <class T, int Bytes, class ARows, class BRows>
__attribute__((always_inline)) inline void nt_blocks(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, ARows a,
                                                     BRows b, T beta, T* c, std::int64_t ldc) {
  constexpr int RI = Bytes == 64 ? 5 : 2, RJ = 4;
  for (std::int64_t i0 = 0; i0 < m; i0 += RI) {
    const int ri = static_cast<int>(std::min<std::int64_t>(RI, m - i0));
    for (std::int64_t j0 = 0; j0 < n; j0 += RJ) {
      const int rj = static_cast<int>(std::min<std::int64_t>(RJ, n - j0));
      nt_block_upto<T, Bytes, RI, RJ>(ri, rj, k, alpha, a.after(i0), b.after(j0), beta, c + i0 * ldc + j0, ldc);
    }
  }
}

template <class T, int Bytes, class ARows, class BRows>
__attribute__((always_inline)) inline void nt_kernel(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, ARows a,
                                                     BRows b, T beta, T* c, std::int64_t ldc) {
  constexpr int L = Simd<T, Bytes>::lanes;
  if (k > 0 && k < L && (m + n) * k <= kPadElements) {
    // The rows of A, then of B, each padded with zeros to kp elements.
    const std::int64_t kp = (k + L - 1) / L * L;
    thread_local std::vector<T> padded;
    padded.resize(static_cast<std::size_t>((m + n) * kp));
    auto pad = [&](auto rows, std::int64_t count, T* dst) __attribute__((always_inline)) {
      for (std::int64_t r = 0; r < count; ++r) {
        std::memcpy(dst + r * kp, rows[r], static_cast<std::size_t>(k) * sizeof(T));
        std::fill(dst + r * kp + k, dst + (r + 1) * kp, T(0));
      }
    };
    pad(a, m, padded.data());
    pad(b, n, padded.data() + m * kp);
    return nt_blocks<T, Bytes>(m, n, kp, alpha, StridedRows<T>{padded.data(), kp},
                               StridedRows<T>{padded.data() + m * kp, kp}, beta, c, ldc);
  }
  nt_blocks<T, Bytes>(m, n, k, alpha, a, b, beta, c, ldc);
}

// S adjacent column strips of C (S vectors wide), columns j onwards: C[i][strips] = sum_p sa[i][p] B[p][strips]
// (+ beta C), with up to P rows of B held in registers at a time, each broadcast of sa feeding S FMAs.
// Update (k <= P, beta 0): C[i][strips] += rate * that sum, the sum rounded first.
template <class T, int Bytes, int S, int P, class Rows, bool Update = false>
__attribute__((always_inline)) inline void xn_strips(std::int64_t j, std::int64_t m, std::int64_t k, const T* sa,
                                                     Rows b, T beta, T* c, std::int64_t ldc, T rate = T(0)) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes;
  for (std::int64_t p0 = 0; p0 < k || p0 == 0; p0 += P) {
    const int rp = static_cast<int>(std::min<std::int64_t>(P, k - p0));
    v bv[P][S];
    for (int q = 0; q < rp; ++q)
      for (int s = 0; s < S; ++s) bv[q][s] = V::load(b[p0 + q] + j + s * L);
    for (std::int64_t i = 0; i < m; ++i) {
      T* ci = c + i * ldc + j;
      v acc[S];
      for (int s = 0; s < S; ++s)
        acc[s] = p0 == 0 ? (beta == T(0) ? v{} : beta * V::load(ci + s * L)) : V::load(ci + s * L);
      const T* ai = sa + i * k + p0;
      for (int q = 0; q < rp; ++q) {
        const T x = ai[q];  // scalar broadcast
        for (int s = 0; s < S; ++s) acc[s] += x * bv[q][s];
      }
      if constexpr (Update) {
        // sgd_step_'s p + a g (simd_optim.cpp's axpy_lanes), contracted alike: one FMA where it has one.
        // The sum is rounded on its own first, as the gradient stored in memory is: GCC contracts across
        // statements and needs the barrier, clang (-ffp-contract=on) only within one.
        for (int s = 0; s < S; ++s) {
          v g = acc[s];
#ifndef __clang__
          asm volatile("" : "+v"(g));
#endif
          V::store(ci + s * L, V::load(ci + s * L) + rate * g);
        }
      } else {
        for (int s = 0; s < S; ++s) V::store(ci + s * L, acc[s]);
      }
    }
    if (k == 0) break;
  }
}

// C = alpha op(A) B + beta C, vectorized along the rows of B and C: pairs of column strips while they
// last (each broadcast of A then feeds two FMAs, and each row of C has two independent sums), then
// one strip, then scalars. Registers: AVX-512's 32 hold 2 x 12 rows of B, AVX2's and SSE2's 16 hold
// 2 x 6 (pairs) or 8 (single strips) rows.
// Update: C += rate * op(A) B instead, each element's product rounded as the plain form rounds it
// (alpha 1, beta 0, k at most P2: one pass over C).
template <class T, int Bytes, bool At, class Rows, bool Update = false>
__attribute__((always_inline)) inline void xn_kernel(std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                                     const T* a, std::int64_t lda, Rows b, T beta, T* c,
                                                     std::int64_t ldc, T rate = T(0)) {
  constexpr int L = Simd<T, Bytes>::lanes;
  constexpr int P1 = Bytes == 64 ? 16 : 8, P2 = Bytes == 64 ? 12 : 6;
  // alpha * A, laid out row by row of op(A): each multiplier below is then one broadcast load. A itself
  // when that is what it already is (alpha 1, rows of k): a convolution calls this once per image.
  const T* sa = a;
  if (At || alpha != T(1) || lda != k) {
    thread_local std::vector<T> scaled;
    scaled.resize(static_cast<std::size_t>(m * k));
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t p = 0; p < k; ++p) scaled[i * k + p] = alpha * (At ? a[p * lda + i] : a[i * lda + p]);
    sa = scaled.data();
  }
  const std::int64_t nv = n - n % L;
  std::int64_t j = 0;
  for (; j + 2 * L <= nv; j += 2 * L) xn_strips<T, Bytes, 2, P2, Rows, Update>(j, m, k, sa, b, beta, c, ldc, rate);
  for (; j < nv; j += L) xn_strips<T, Bytes, 1, P1, Rows, Update>(j, m, k, sa, b, beta, c, ldc, rate);
  if (nv == n) return;
  // The last n - nv columns (a width of 30 leaves 14): copied into one zero-padded vector strip of B
  // and of C, computed as the strips above, and copied back.
  const std::int64_t tail = n - nv;
  thread_local std::vector<T> strip;
  strip.assign(static_cast<std::size_t>((k + m) * L), T(0));
  T* tb = strip.data();
  T* tc = tb + k * L;
  // Element loops, not memcpy: a call per row of a few elements cost more than the strip's arithmetic
  // (a convolution's 150 rows of 4).
  for (std::int64_t p = 0; p < k; ++p)
    for (std::int64_t q = 0; q < tail; ++q) tb[p * L + q] = b[p][nv + q];
  if (beta != T(0) || Update)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t q = 0; q < tail; ++q) tc[i * L + q] = c[i * ldc + nv + q];
  xn_strips<T, Bytes, 1, P1, StridedRows<T>, Update>(0, m, k, sa, StridedRows<T>{tb, L}, beta, tc, L, rate);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t q = 0; q < tail; ++q) c[i * ldc + nv + q] = tc[i * L + q];
}

// y += alpha x: the optimizer's update of a whole parameter tensor.
template <class T, int Bytes>
__attribute__((always_inline)) inline void axpy_kernel(std::int64_t n, T alpha, const T* x, T* y) {
  using V = Simd<T, Bytes>;
  constexpr int L = V::lanes;
  const std::int64_t nv = n - n % L;
  for (std::int64_t i = 0; i < nv; i += L) V::store(y + i, V::load(y + i) + alpha * V::load(x + i));
  for (std::int64_t i = nv; i < n; ++i) y[i] += alpha * x[i];
}

// y = 1 / (1 + e^-x). For very negative x, e^-x overflows to inf and y is exactly 0; no NaN arises.
template <class T, int Bytes, class Exp>
__attribute__((always_inline)) inline void sigmoid_kernel(std::int64_t n, const T* x, T* y, Exp vexp) {
  using V = Simd<T, Bytes>;
  constexpr int L = V::lanes;
  const std::int64_t nv = n - n % L;
  for (std::int64_t i = 0; i < nv; i += L) V::store(y + i, T(1) / (T(1) + vexp(-V::load(x + i))));
  for (std::int64_t i = nv; i < n; ++i) y[i] = T(1) / (T(1) + std::exp(-x[i]));
}

template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void sigmoid_avx512(std::int64_t n, const T* x, T* y) {
  if constexpr (sizeof(T) == 4)
    sigmoid_kernel<T, 64>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expf16_u10avx512f(v); });
  else
    sigmoid_kernel<T, 64>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expd8_u10avx512f(v); });
}
template <class T>
__attribute__((target("avx2,fma"))) void sigmoid_avx2(std::int64_t n, const T* x, T* y) {
  if constexpr (sizeof(T) == 4)
    sigmoid_kernel<T, 32>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expf8_u10avx2(v); });
  else
    sigmoid_kernel<T, 32>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expd4_u10avx2(v); });
}
template <class T>
void sigmoid_sse2(std::int64_t n, const T* x, T* y) {
  if constexpr (sizeof(T) == 4)
    sigmoid_kernel<T, 16>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expf4_u10sse2(v); });
  else
    sigmoid_kernel<T, 16>(
        n, x, y, [](auto v) __attribute__((always_inline)) { return Sleef_expd2_u10sse2(v); });
}

// One entry point per instruction set, each compiling the inlined kernels for its registers;
// the best the CPU supports is chosen once, at start-up.
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void nt_avx512(std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                                               const T* a, std::int64_t lda, const T* b,
                                                               std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 64>(m, n, k, alpha, StridedRows<T>{a, lda}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void nt_rows_avx512(std::int64_t m, std::int64_t n, std::int64_t k,
                                                                    T alpha, const T* const* a, const T* b,
                                                                    std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 64>(m, n, k, alpha, ListedRows<T>{a}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void xn_avx512(bool at, std::int64_t m, std::int64_t n, std::int64_t k,
                                                               T alpha, const T* a, std::int64_t lda, const T* b,
                                                               std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 64, true>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc)
     : xn_kernel<T, 64, false>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void xn_update_avx512(bool at, std::int64_t m, std::int64_t n,
                                                                      std::int64_t k, const T* a, std::int64_t lda,
                                                                      const T* b, std::int64_t ldb, T rate, T* c,
                                                                      std::int64_t ldc) {
  const StridedRows<T> rows{b, ldb};
  at ? xn_kernel<T, 64, true, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate)
     : xn_kernel<T, 64, false, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void xn_rows_avx512(std::int64_t m, std::int64_t n, std::int64_t k,
                                                                    T alpha, const T* a, std::int64_t lda,
                                                                    const T* const* b, T beta, T* c, std::int64_t ldc) {
  xn_kernel<T, 64, false>(m, n, k, alpha, a, lda, ListedRows<T>{b}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void nt_avx2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a,
                                                 std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c,
                                                 std::int64_t ldc) {
  nt_kernel<T, 32>(m, n, k, alpha, StridedRows<T>{a, lda}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void nt_rows_avx2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                                      const T* const* a, const T* b, std::int64_t ldb, T beta, T* c,
                                                      std::int64_t ldc) {
  nt_kernel<T, 32>(m, n, k, alpha, ListedRows<T>{a}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void xn_avx2(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                                 const T* a, std::int64_t lda, const T* b, std::int64_t ldb, T beta,
                                                 T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 32, true>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc)
     : xn_kernel<T, 32, false>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void xn_update_avx2(bool at, std::int64_t m, std::int64_t n, std::int64_t k,
                                                        const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
                                                        T rate, T* c, std::int64_t ldc) {
  const StridedRows<T> rows{b, ldb};
  at ? xn_kernel<T, 32, true, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate)
     : xn_kernel<T, 32, false, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate);
}
template <class T>
__attribute__((target("avx2,fma"))) void xn_rows_avx2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                                      const T* a, std::int64_t lda, const T* const* b, T beta, T* c,
                                                      std::int64_t ldc) {
  xn_kernel<T, 32, false>(m, n, k, alpha, a, lda, ListedRows<T>{b}, beta, c, ldc);
}
template <class T>
void nt_sse2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 16>(m, n, k, alpha, StridedRows<T>{a, lda}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
void nt_rows_sse2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* const* a, const T* b,
                  std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 16>(m, n, k, alpha, ListedRows<T>{a}, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
void xn_sse2(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 16, true>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc)
     : xn_kernel<T, 16, false>(m, n, k, alpha, a, lda, StridedRows<T>{b, ldb}, beta, c, ldc);
}
template <class T>
void xn_update_sse2(bool at, std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t lda, const T* b,
                    std::int64_t ldb, T rate, T* c, std::int64_t ldc) {
  const StridedRows<T> rows{b, ldb};
  at ? xn_kernel<T, 16, true, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate)
     : xn_kernel<T, 16, false, StridedRows<T>, true>(m, n, k, T(1), a, lda, rows, T(0), c, ldc, rate);
}
template <class T>
void xn_rows_sse2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                  const T* const* b, T beta, T* c, std::int64_t ldc) {
  xn_kernel<T, 16, false>(m, n, k, alpha, a, lda, ListedRows<T>{b}, beta, c, ldc);
}

template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void axpy_avx512(std::int64_t n, T alpha, const T* x, T* y) {
  axpy_kernel<T, 64>(n, alpha, x, y);
}
template <class T>
__attribute__((target("avx2,fma"))) void axpy_avx2(std::int64_t n, T alpha, const T* x, T* y) {
  axpy_kernel<T, 32>(n, alpha, x, y);
}
template <class T>
void axpy_sse2(std::int64_t n, T alpha, const T* x, T* y) {
  axpy_kernel<T, 16>(n, alpha, x, y);
}

// DESCENT_SIMD=avx2 or sse2 caps the choice (the test suite runs the kernels under each; a user can
// rule out a miscompiled wide path). An unknown value or one the CPU lacks is ignored.
Isa detect() {
  __builtin_cpu_init();
  Isa best = Isa::Sse2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) best = Isa::Avx512;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::Avx2;
  const char* cap = std::getenv("DESCENT_SIMD");
  if (cap && std::strcmp(cap, "sse2") == 0) return Isa::Sse2;
  if (cap && std::strcmp(cap, "avx2") == 0 && best == Isa::Avx512) return Isa::Avx2;
  return best;
}
const Isa kIsa = detect();

}  // namespace

Isa isa() { return kIsa; }

template <class T>
void gemm_nt(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  switch (kIsa) {
    case Isa::Avx512: return nt_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    case Isa::Avx2: return nt_avx2(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    case Isa::Sse2: return nt_sse2(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

template <class T>
void gemm_xn(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  switch (kIsa) {
    case Isa::Avx512: return xn_avx512(at, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    case Isa::Avx2: return xn_avx2(at, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    case Isa::Sse2: return xn_sse2(at, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

std::int64_t gemm_xn_update_depth() { return kIsa == Isa::Avx512 ? 12 : 6; }  // xn_kernel's P2

template <class T>
void gemm_xn_update(bool at, std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t lda, const T* b,
                    std::int64_t ldb, T rate, T* c, std::int64_t ldc) {
  if (k > gemm_xn_update_depth()) throw std::logic_error("gemm_xn_update: k longer than one pass");
  switch (kIsa) {
    case Isa::Avx512: return xn_update_avx512(at, m, n, k, a, lda, b, ldb, rate, c, ldc);
    case Isa::Avx2: return xn_update_avx2(at, m, n, k, a, lda, b, ldb, rate, c, ldc);
    case Isa::Sse2: return xn_update_sse2(at, m, n, k, a, lda, b, ldb, rate, c, ldc);
  }
}

template <class T>
void axpy(std::int64_t n, T alpha, const T* x, T* y) {
  switch (kIsa) {
    case Isa::Avx512: return axpy_avx512(n, alpha, x, y);
    case Isa::Avx2: return axpy_avx2(n, alpha, x, y);
    case Isa::Sse2: return axpy_sse2(n, alpha, x, y);
  }
}

template <class T>
void sigmoid(std::int64_t n, const T* x, T* y) {
  switch (kIsa) {
    case Isa::Avx512: return sigmoid_avx512(n, x, y);
    case Isa::Avx2: return sigmoid_avx2(n, x, y);
    case Isa::Sse2: return sigmoid_sse2(n, x, y);
  }
}

template void sigmoid<float>(std::int64_t, const float*, float*);
template void sigmoid<double>(std::int64_t, const double*, double*);
template void axpy<float>(std::int64_t, float, const float*, float*);
template void axpy<double>(std::int64_t, double, const double*, double*);
template void gemm_nt<float>(std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t, const float*,
                             std::int64_t, float, float*, std::int64_t);
template void gemm_nt<double>(std::int64_t, std::int64_t, std::int64_t, double, const double*, std::int64_t,
                              const double*, std::int64_t, double, double*, std::int64_t);
template <class T>
void gemm_nt_rows(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* const* a_rows, const T* b,
                  std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  switch (kIsa) {
    case Isa::Avx512: return nt_rows_avx512(m, n, k, alpha, a_rows, b, ldb, beta, c, ldc);
    case Isa::Avx2: return nt_rows_avx2(m, n, k, alpha, a_rows, b, ldb, beta, c, ldc);
    case Isa::Sse2: return nt_rows_sse2(m, n, k, alpha, a_rows, b, ldb, beta, c, ldc);
  }
}

template <class T>
void gemm_xn_rows(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                  const T* const* b_rows, T beta, T* c, std::int64_t ldc) {
  switch (kIsa) {
    case Isa::Avx512: return xn_rows_avx512(m, n, k, alpha, a, lda, b_rows, beta, c, ldc);
    case Isa::Avx2: return xn_rows_avx2(m, n, k, alpha, a, lda, b_rows, beta, c, ldc);
    case Isa::Sse2: return xn_rows_sse2(m, n, k, alpha, a, lda, b_rows, beta, c, ldc);
  }
}

template void gemm_xn<float>(bool, std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t,
                             const float*, std::int64_t, float, float*, std::int64_t);
template void gemm_nt_rows<float>(std::int64_t, std::int64_t, std::int64_t, float, const float* const*, const float*,
                                  std::int64_t, float, float*, std::int64_t);
template void gemm_nt_rows<double>(std::int64_t, std::int64_t, std::int64_t, double, const double* const*,
                                   const double*, std::int64_t, double, double*, std::int64_t);
template void gemm_xn_rows<float>(std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t,
                                  const float* const*, float, float*, std::int64_t);
template void gemm_xn_rows<double>(std::int64_t, std::int64_t, std::int64_t, double, const double*, std::int64_t,
                                   const double* const*, double, double*, std::int64_t);
template void gemm_xn<double>(bool, std::int64_t, std::int64_t, std::int64_t, double, const double*, std::int64_t,
                              const double*, std::int64_t, double, double*, std::int64_t);
template void gemm_xn_update<float>(bool, std::int64_t, std::int64_t, std::int64_t, const float*, std::int64_t,
                                    const float*, std::int64_t, float, float*, std::int64_t);
template void gemm_xn_update<double>(bool, std::int64_t, std::int64_t, std::int64_t, const double*, std::int64_t,
                                     const double*, std::int64_t, double, double*, std::int64_t);

}  // namespace descent::kernels::simd
