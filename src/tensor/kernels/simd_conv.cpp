// Direct convolution at stride 1 on zero-padded planes, one image at a time, for AVX-512, AVX2 and
// baseline x86-64, picked at run time (simd.hpp). The forward keeps a block of output channels times
// one or two vectors of an output row in registers across every input channel and kernel tap; the
// weight's gradient keeps a block of output channels times kernel columns in registers across the
// output rows, as vectors of per-lane partial sums that the caller adds up at the end.
// Vector values stay inside always-inlined functions (see simd.cpp).
#pragma GCC diagnostic ignored "-Wpsabi"

#include "simd.hpp"
#include "simd_register.hpp"

#include <algorithm>
#include <cstring>

namespace descent::kernels::simd {
namespace {

// Output channels per forward block and per weight-gradient block: 6 x 2 accumulators of AVX-512's
// 32 registers, 4 x 2 of the 16 of AVX2 and SSE2; the gradient's 3 x 5 (2 x 4) leave room for the
// output gradient's vectors and one input vector.
template <int Bytes>
constexpr int kForwardChannels = Bytes == 64 ? 6 : 4;
template <int Bytes>
constexpr int kGradChannels = Bytes == 64 ? 3 : 2;
template <int Bytes>
constexpr int kGradColumns = Bytes == 64 ? 5 : 4;

// Output channels [o0, o0 + OB), row `row`, columns [q0, q0 + RV lanes) of one image.
template <class T, int Bytes, int OB, int RV>
__attribute__((always_inline)) inline void direct_forward_block(const DirectConvShape& s, const T* x, const T* w,
                                                                const T* bias, T* y, std::int64_t o0, std::int64_t row,
                                                                std::int64_t q0) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes;
  const std::int64_t taps = s.kh * s.kw, per_out = s.c * taps;
  v acc[OB][RV];
  for (int o = 0; o < OB; ++o)
    for (int r = 0; r < RV; ++r) acc[o][r] = v{} + (bias ? bias[o0 + o] : T(0));
  for (std::int64_t c = 0; c < s.c; ++c)
    for (std::int64_t i = 0; i < s.kh; ++i) {
      const T* xr = x + (c * s.xh + row + i * s.dh) * s.xw + q0;
      const T* wk = w + o0 * per_out + c * taps + i * s.kw;
      for (std::int64_t j = 0; j < s.kw; ++j) {
        v in[RV];
        for (int r = 0; r < RV; ++r) in[r] = V::load(xr + j * s.dw + r * L);
        for (int o = 0; o < OB; ++o) {
          const T wt = wk[o * per_out + j];
          for (int r = 0; r < RV; ++r) acc[o][r] += in[r] * wt;
        }
      }
    }
  for (int o = 0; o < OB; ++o)
    for (int r = 0; r < RV; ++r) {
      const std::int64_t q = q0 + r * L, len = std::min<std::int64_t>(L, s.ow - q);
      T* out = y + ((o0 + o) * s.oh + row) * s.ow + q;
      if (len == L) {
        V::store(out, acc[o][r]);
      } else {  // the row's last vector: lanes past the row are not written
        T part[L];
        V::store(part, acc[o][r]);
        std::memcpy(out, part, static_cast<std::size_t>(len) * sizeof(T));
      }
    }
}

// A fixed-size instantiation for each block at the edges, as simd.cpp's nt_block_upto.
template <class T, int Bytes, int OB, int RV>
__attribute__((always_inline)) inline void direct_forward_upto(int ob, const DirectConvShape& s, const T* x, const T* w,
                                                               const T* bias, T* y, std::int64_t o0, std::int64_t row,
                                                               std::int64_t q0) {
  if constexpr (OB > 1)
    if (ob < OB) return direct_forward_upto<T, Bytes, OB - 1, RV>(ob, s, x, w, bias, y, o0, row, q0);
  direct_forward_block<T, Bytes, OB, RV>(s, x, w, bias, y, o0, row, q0);
}

template <class T, int Bytes>
__attribute__((always_inline)) inline void direct_forward(const DirectConvShape& s, const T* x, const T* w,
                                                          const T* bias, T* y) {
  constexpr int OB = kForwardChannels<Bytes>, L = Simd<T, Bytes>::lanes;
  for (std::int64_t o0 = 0; o0 < s.o; o0 += OB) {
    const int ob = static_cast<int>(std::min<std::int64_t>(OB, s.o - o0));
    for (std::int64_t row = 0; row < s.oh; ++row)
      for (std::int64_t q0 = 0; q0 < s.ow;) {
        if (s.ow - q0 > L) {
          direct_forward_upto<T, Bytes, OB, 2>(ob, s, x, w, bias, y, o0, row, q0);
          q0 += 2 * L;
        } else {
          direct_forward_upto<T, Bytes, OB, 1>(ob, s, x, w, bias, y, o0, row, q0);
          q0 += L;
        }
      }
  }
}

// Partial sums of dW[o][c][i][j] for o in [o0, o0 + OG), j in [j0, j0 + JB), one (c, i): over the
// output rows and the row's vectors, lane by lane.
template <class T, int Bytes, int OG, int JB>
__attribute__((always_inline)) inline void direct_grad_block(const DirectConvShape& s, const T* x, const T* dy, T* acc,
                                                             std::int64_t c, std::int64_t i, std::int64_t o0,
                                                             std::int64_t j0) {
  using V = Simd<T, Bytes>;
  using v = typename V::type;
  constexpr int L = V::lanes;
  auto at = [&](int o, int j) { return acc + (((o0 + o) * s.c + c) * s.kh * s.kw + i * s.kw + j0 + j) * L; };
  v a[OG][JB];
  for (int o = 0; o < OG; ++o)
    for (int j = 0; j < JB; ++j) a[o][j] = V::load(at(o, j));
  const std::int64_t plane = s.oh * s.gw;
  for (std::int64_t row = 0; row < s.oh; ++row) {
    const T* xr = x + (c * s.xh + row + i * s.dh) * s.xw + j0 * s.dw;
    const T* g = dy + o0 * plane + row * s.gw;
    for (std::int64_t q = 0; q < s.ow; q += L) {
      v gv[OG];
      for (int o = 0; o < OG; ++o) gv[o] = V::load(g + o * plane + q);
      for (int j = 0; j < JB; ++j) {
        const v in = V::load(xr + j * s.dw + q);
        for (int o = 0; o < OG; ++o) a[o][j] += gv[o] * in;
      }
    }
  }
  for (int o = 0; o < OG; ++o)
    for (int j = 0; j < JB; ++j) V::store(at(o, j), a[o][j]);
}

template <class T, int Bytes, int OG, int JB>
__attribute__((always_inline)) inline void direct_grad_upto(int og, int jb, const DirectConvShape& s, const T* x,
                                                            const T* dy, T* acc, std::int64_t c, std::int64_t i,
                                                            std::int64_t o0, std::int64_t j0) {
  if constexpr (OG > 1)
    if (og < OG) return direct_grad_upto<T, Bytes, OG - 1, JB>(og, jb, s, x, dy, acc, c, i, o0, j0);
  if constexpr (JB > 1)
    if (jb < JB) return direct_grad_upto<T, Bytes, OG, JB - 1>(og, jb, s, x, dy, acc, c, i, o0, j0);
  direct_grad_block<T, Bytes, OG, JB>(s, x, dy, acc, c, i, o0, j0);
}

template <class T, int Bytes>
__attribute__((always_inline)) inline void direct_grad(const DirectConvShape& s, const T* x, const T* dy, T* acc,
                                                       T* bias_acc) {
  using V = Simd<T, Bytes>;
  constexpr int OG = kGradChannels<Bytes>, JB = kGradColumns<Bytes>, L = V::lanes;
  for (std::int64_t c = 0; c < s.c; ++c)
    for (std::int64_t i = 0; i < s.kh; ++i)
      for (std::int64_t o0 = 0; o0 < s.o; o0 += OG)
        for (std::int64_t j0 = 0; j0 < s.kw; j0 += JB)
          direct_grad_upto<T, Bytes, OG, JB>(static_cast<int>(std::min<std::int64_t>(OG, s.o - o0)),
                                             static_cast<int>(std::min<std::int64_t>(JB, s.kw - j0)), s, x, dy, acc, c,
                                             i, o0, j0);
  if (!bias_acc) return;
  for (std::int64_t o = 0; o < s.o; ++o) {
    typename V::type sum = V::load(bias_acc + o * L);
    const T* g = dy + o * s.oh * s.gw;
    for (std::int64_t row = 0; row < s.oh; ++row)
      for (std::int64_t q = 0; q < s.ow; q += L) sum += V::load(g + row * s.gw + q);
    V::store(bias_acc + o * L, sum);
  }
}

template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void direct_forward_avx512(const DirectConvShape& s, const T* x,
                                                                           const T* w, const T* bias, T* y) {
  direct_forward<T, 64>(s, x, w, bias, y);
}
template <class T>
__attribute__((target("avx2,fma"))) void direct_forward_avx2(const DirectConvShape& s, const T* x, const T* w,
                                                             const T* bias, T* y) {
  direct_forward<T, 32>(s, x, w, bias, y);
}
template <class T>
void direct_forward_sse2(const DirectConvShape& s, const T* x, const T* w, const T* bias, T* y) {
  direct_forward<T, 16>(s, x, w, bias, y);
}
template <class T>
__attribute__((target("avx512f,avx512vl,fma"))) void direct_grad_avx512(const DirectConvShape& s, const T* x,
                                                                        const T* dy, T* acc, T* bias_acc) {
  direct_grad<T, 64>(s, x, dy, acc, bias_acc);
}
template <class T>
__attribute__((target("avx2,fma"))) void direct_grad_avx2(const DirectConvShape& s, const T* x, const T* dy, T* acc,
                                                          T* bias_acc) {
  direct_grad<T, 32>(s, x, dy, acc, bias_acc);
}
template <class T>
void direct_grad_sse2(const DirectConvShape& s, const T* x, const T* dy, T* acc, T* bias_acc) {
  direct_grad<T, 16>(s, x, dy, acc, bias_acc);
}

}  // namespace

template <class T>
int direct_lanes() {
  switch (isa()) {
    case Isa::Avx512: return 64 / sizeof(T);
    case Isa::Avx2: return 32 / sizeof(T);
    case Isa::Sse2: break;
  }
  return 16 / sizeof(T);
}

template <class T>
void conv_direct_forward(const DirectConvShape& s, const T* x, const T* w, const T* bias, T* y) {
  switch (isa()) {
    case Isa::Avx512: return direct_forward_avx512(s, x, w, bias, y);
    case Isa::Avx2: return direct_forward_avx2(s, x, w, bias, y);
    case Isa::Sse2: return direct_forward_sse2(s, x, w, bias, y);
  }
}

template <class T>
void conv_direct_weight(const DirectConvShape& s, const T* x, const T* dy, T* acc, T* bias_acc) {
  switch (isa()) {
    case Isa::Avx512: return direct_grad_avx512(s, x, dy, acc, bias_acc);
    case Isa::Avx2: return direct_grad_avx2(s, x, dy, acc, bias_acc);
    case Isa::Sse2: return direct_grad_sse2(s, x, dy, acc, bias_acc);
  }
}

template int direct_lanes<float>();
template int direct_lanes<double>();
template void conv_direct_forward<float>(const DirectConvShape&, const float*, const float*, const float*, float*);
template void conv_direct_forward<double>(const DirectConvShape&, const double*, const double*, const double*, double*);
template void conv_direct_weight<float>(const DirectConvShape&, const float*, const float*, float*, float*);
template void conv_direct_weight<double>(const DirectConvShape&, const double*, const double*, double*, double*);

}  // namespace descent::kernels::simd
