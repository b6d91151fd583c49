#include "small_gemm.hpp"

// Every vector value below lives inside always-inlined functions, so the ABI of passing vectors
// between differently compiled functions (what -Wpsabi warns about) never comes into play.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <cstring>

namespace descent::kernels::small {
namespace {

// A SIMD register of `Bytes` bytes holding T lanes (GCC vector extension).
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
  __attribute__((always_inline)) static T hsum(type v) {
    T s = 0;
    for (int i = 0; i < lanes; ++i) s += v[i];
    return s;
  }
};

// C[i][j] = alpha * sum_k A[i][k] B[j][k] + beta C[i][j], in 4 x 4 blocks of dot products.
template <class T, int Bytes>
__attribute__((always_inline)) inline void nt_kernel(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                      const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes, R = 4;
  const std::int64_t kv = k - k % L;
  for (std::int64_t i0 = 0; i0 < m; i0 += R) {
    const int ri = static_cast<int>(std::min<std::int64_t>(R, m - i0));
    for (std::int64_t j0 = 0; j0 < n; j0 += R) {
      const int rj = static_cast<int>(std::min<std::int64_t>(R, n - j0));
      v acc[R][R] = {};
      if (ri == R && rj == R) {
        for (std::int64_t p = 0; p < kv; p += L) {
          v av[R], bv[R];
          for (int r = 0; r < R; ++r) av[r] = V::load(a + (i0 + r) * lda + p);
          for (int s = 0; s < R; ++s) bv[s] = V::load(b + (j0 + s) * ldb + p);
          for (int r = 0; r < R; ++r)
            for (int s = 0; s < R; ++s) acc[r][s] += av[r] * bv[s];
        }
      } else {
        for (std::int64_t p = 0; p < kv; p += L)
          for (int r = 0; r < ri; ++r) {
            const v av = V::load(a + (i0 + r) * lda + p);
            for (int s = 0; s < rj; ++s) acc[r][s] += av * V::load(b + (j0 + s) * ldb + p);
          }
      }
      for (int r = 0; r < ri; ++r)
        for (int s = 0; s < rj; ++s) {
          T sum = V::hsum(acc[r][s]);
          for (std::int64_t p = kv; p < k; ++p) sum += a[(i0 + r) * lda + p] * b[(j0 + s) * ldb + p];
          T& out = c[(i0 + r) * ldc + j0 + s];
          out = alpha * sum + (beta == T(0) ? T(0) : beta * out);
        }
    }
  }
}

// C[i][:] = alpha * sum_p A(i, p) B[p][:] + beta C[i][:], a column strip of B held in registers
// for up to 8 rows p at a time.
template <class T, int Bytes, bool At>
__attribute__((always_inline)) inline void xn_kernel( std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                      const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes, P = Bytes == 64 ? 16 : 8;  // rows of B held in registers
  auto a_at = [&](std::int64_t i, std::int64_t p) { return At ? a[p * lda + i] : a[i * lda + p]; };
  const std::int64_t nv = n - n % L;
  for (std::int64_t j = 0; j < nv; j += L) {
    for (std::int64_t p0 = 0; p0 < k || p0 == 0; p0 += P) {
      const int rp = static_cast<int>(std::min<std::int64_t>(P, k - p0));
      v bv[P];
      for (int q = 0; q < rp; ++q) bv[q] = V::load(b + (p0 + q) * ldb + j);
      for (std::int64_t i = 0; i < m; ++i) {
        v acc = p0 == 0 ? (beta == T(0) ? v{} : beta * V::load(c + i * ldc + j)) : V::load(c + i * ldc + j);
        for (int q = 0; q < rp; ++q) acc += (alpha * a_at(i, p0 + q)) * bv[q];  // scalar broadcast
        V::store(c + i * ldc + j, acc);
      }
      if (k == 0) break;
    }
  }
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = nv; j < n; ++j) {
      T sum = 0;
      for (std::int64_t p = 0; p < k; ++p) sum += a_at(i, p) * b[p * ldb + j];
      T& out = c[i * ldc + j];
      out = alpha * sum + (beta == T(0) ? T(0) : beta * out);
    }
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

// One entry point per instruction set, each compiling the inlined kernels for its registers;
// the best the CPU supports is chosen once, at start-up.
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void nt_avx512(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
                                                             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 64>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void xn_avx512(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                                                             const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 64, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
     : xn_kernel<T, 64, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void nt_avx2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
                                                 std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 32>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <class T>
__attribute__((target("avx2,fma"))) void xn_avx2(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                                                 const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 32, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
     : xn_kernel<T, 32, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <class T>
void nt_sse2(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  nt_kernel<T, 16>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <class T>
void xn_sse2(bool at, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
             const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) {
  at ? xn_kernel<T, 16, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
     : xn_kernel<T, 16, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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

enum class Isa { Avx512, Avx2, Sse2 };
Isa detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
  return Isa::Sse2;
}
const Isa kIsa = detect();

}  // namespace

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

template <class T>
void axpy(std::int64_t n, T alpha, const T* x, T* y) {
  switch (kIsa) {
    case Isa::Avx512: return axpy_avx512(n, alpha, x, y);
    case Isa::Avx2: return axpy_avx2(n, alpha, x, y);
    case Isa::Sse2: return axpy_sse2(n, alpha, x, y);
  }
}

template void axpy<float>(std::int64_t, float, const float*, float*);
template void axpy<double>(std::int64_t, double, const double*, double*);
template void gemm_nt<float>(std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t, const float*,
                             std::int64_t, float, float*, std::int64_t);
template void gemm_nt<double>(std::int64_t, std::int64_t, std::int64_t, double, const double*, std::int64_t,
                              const double*, std::int64_t, double, double*, std::int64_t);
template void gemm_xn<float>(bool, std::int64_t, std::int64_t, std::int64_t, float, const float*, std::int64_t,
                             const float*, std::int64_t, float, float*, std::int64_t);
template void gemm_xn<double>(bool, std::int64_t, std::int64_t, std::int64_t, double, const double*, std::int64_t,
                              const double*, std::int64_t, double, double*, std::int64_t);

}  // namespace descent::kernels::small
