// A direct convolution for few channels and narrow images (output rows of at most 32): one output
// row at a time, its sums kept in AVX-512 registers across every kernel tap, as one or two vectors of
// 16 positions per output channel. No columns are built. Stride 1; pooling is descent's.
#include <immintrin.h>
#include <descent/tensor/kernels/blas.hpp>
#include <descent/tensor/kernels/parallel.hpp>

#include <algorithm>
#include <memory>

#include "side.hpp"

namespace bench {
namespace {

constexpr int kMaxThreads = 2;

// Lanes q of vector `half` whose input column (16 half + q + shift) lies in the image and whose
// output column lies in the row.
__mmask16 lanes(int half, int shift, int w, int ow) {
  unsigned m = 0;
  for (int q = 0; q < 16; ++q) {
    const int col = 16 * half + q;
    if (col < ow && col + shift >= 0 && col + shift < w) m |= 1u << q;
  }
  return static_cast<__mmask16>(m);
}

// GCC 12's _mm512_reduce_add_ps warns of an uninitialized variable in its own header.
__attribute__((target("avx512f"))) float sum16(__m512 v) {
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, v);
  return sum_of(lanes, 16);
}

template <class F>
void over_images(F&& f) {
  const int threads = std::min(kMaxThreads, std::max(1, descent::kernels::get_num_threads()));
  const int share = (kBatch + threads - 1) / threads;
  descent::kernels::parallel_run(threads, [&](int t) { f(t, t * share, std::min(kBatch, (t + 1) * share)); });
}

struct Direct {
  ConvShape s;
  std::vector<float> x, w, b, dy, y, dw, db;
  std::vector<float> dwt[kMaxThreads], dbt[kMaxThreads];
  std::vector<__mmask16> mask;  // per kernel column j and half

  Direct(const ConvShape& shape, const Data& d, bool first)
      : s(shape), x(first ? d.x1 : d.x2), w(first ? d.w1 : d.w2), b(first ? d.b1 : d.b2), dy(first ? d.dy1 : d.dy2) {
    y.resize(dy.size());
    dw.resize(w.size());
    db.resize(b.size());
    for (auto& v : dwt) v.resize(w.size());
    for (auto& v : dbt) v.resize(b.size());
    for (int j = 0; j < s.k; ++j)
      for (int h = 0; h < 2; ++h) mask.push_back(lanes(h, j - s.pad, s.w, s.ow()));
  }
  int halves() const { return s.ow() > 16 ? 2 : 1; }

  // Output channels [o0, o0 + OB) of output row oh of image n.
  template <int H, int OB>
  __attribute__((target("avx512f"))) void forward_row(int n, int oh, int o0) {
    __m512 acc[OB][H];
#pragma GCC unroll 16
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 16
      for (int h = 0; h < H; ++h) acc[o][h] = _mm512_set1_ps(b[o0 + o]);
    for (int c = 0; c < s.c; ++c)
      for (int i = 0; i < s.k; ++i) {
        const int ih = oh + i - s.pad;
        if (ih < 0 || ih >= s.h) continue;
        const float* row = x.data() + ((std::size_t(n) * s.c + c) * s.h + ih) * s.w;
        const float* wk = w.data() + ((std::size_t(o0) * s.c + c) * s.k + i) * s.k;
        for (int j = 0; j < s.k; ++j)
#pragma GCC unroll 16
          for (int h = 0; h < H; ++h) {
            // masked lanes are not read: the address may lie before the row
            const __m512 v = _mm512_maskz_loadu_ps(mask[2 * j + h], row + 16 * h + j - s.pad);
#pragma GCC unroll 16
            for (int o = 0; o < OB; ++o)
              acc[o][h] = _mm512_fmadd_ps(v, _mm512_set1_ps(wk[std::size_t(o) * s.c * s.k * s.k + j]), acc[o][h]);
          }
      }
    const int ow = s.ow();
#pragma GCC unroll 16
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 16
      for (int h = 0; h < H; ++h) {
        const int len = std::min(16, ow - 16 * h);
        float* out = y.data() + ((std::size_t(n) * s.o + o0 + o) * s.oh() + oh) * ow + 16 * h;
        _mm512_mask_storeu_ps(out, static_cast<__mmask16>((1u << len) - 1), acc[o][h]);
      }
  }

  template <int H, int OB>
  void forward_all() {
    over_images([&](int, int first, int end) {
      for (int n = first; n < end; ++n)
        for (int o0 = 0; o0 < s.o; o0 += OB)
          for (int oh = 0; oh < s.oh(); ++oh) forward_row<H, OB>(n, oh, o0);
    });
  }

  void forward() {
    if (s.o == 6 && halves() == 2) forward_all<2, 6>();
    else if (s.o % 8 == 0 && halves() == 1) forward_all<1, 8>();
  }

  // dW[o][c][i][j] for o in [o0, o0 + OG), all j, one (c, i): sums over images and output rows, each
  // of the OG x k products a vector of 16 partial sums.
  template <int H, int OG, int K>
  __attribute__((target("avx512f"))) void weights_pass(int first, int end, int c, int i, int o0, float* out) {
    __m512 acc[OG][K];
#pragma GCC unroll 16
    for (int o = 0; o < OG; ++o)
#pragma GCC unroll 16
      for (int j = 0; j < K; ++j) acc[o][j] = _mm512_setzero_ps();
    const int ow = s.ow(), oh_n = s.oh();
    for (int n = first; n < end; ++n)
      for (int oh = 0; oh < oh_n; ++oh) {
        const int ih = oh + i - s.pad;
        if (ih < 0 || ih >= s.h) continue;
        const float* row = x.data() + ((std::size_t(n) * s.c + c) * s.h + ih) * s.w;
#pragma GCC unroll 16
        for (int h = 0; h < H; ++h) {
          const auto full = static_cast<__mmask16>((1u << std::min(16, ow - 16 * h)) - 1);
          __m512 g[OG];
#pragma GCC unroll 16
          for (int o = 0; o < OG; ++o)
            g[o] = _mm512_maskz_loadu_ps(full, dy.data() + ((std::size_t(n) * s.o + o0 + o) * oh_n + oh) * ow + 16 * h);
#pragma GCC unroll 16
          for (int j = 0; j < K; ++j) {
            const __m512 v = _mm512_maskz_loadu_ps(mask[2 * j + h], row + 16 * h + j - s.pad);
#pragma GCC unroll 16
            for (int o = 0; o < OG; ++o) acc[o][j] = _mm512_fmadd_ps(g[o], v, acc[o][j]);
          }
        }
      }
#pragma GCC unroll 16
    for (int o = 0; o < OG; ++o)
#pragma GCC unroll 16
      for (int j = 0; j < K; ++j) out[((std::size_t(o0 + o) * s.c + c) * s.k + i) * s.k + j] = sum16(acc[o][j]);
  }

  template <int H, int OG>
  void weights_all() {
    over_images([&](int t, int first, int end) {
      float* out = dwt[t].data();
      for (int c = 0; c < s.c; ++c)
        for (int i = 0; i < s.k; ++i)
          for (int o0 = 0; o0 < s.o; o0 += OG) weights_pass<H, OG, 5>(first, end, c, i, o0, out);
      const int l = s.oh() * s.ow();
      for (int o = 0; o < s.o; ++o) {
        float sum = 0;
        for (int n = first; n < end; ++n) sum += sum_of(dy.data() + (std::size_t(n) * s.o + o) * l, l);
        dbt[t][o] = sum;
      }
    });
    const int threads = std::min(kMaxThreads, std::max(1, descent::kernels::get_num_threads()));
    for (std::size_t k = 0; k < dw.size(); ++k) {
      dw[k] = 0;
      for (int t = 0; t < threads; ++t) dw[k] += dwt[t][k];
    }
    for (std::size_t o = 0; o < db.size(); ++o) {
      db[o] = 0;
      for (int t = 0; t < threads; ++t) db[o] += dbt[t][o];
    }
  }

  void backward_weights() {
    if (s.o % 3 == 0 && halves() == 2) weights_all<2, 3>();
    else if (s.o % 4 == 0 && halves() == 1) weights_all<1, 4>();
  }
};

}  // namespace

Side direct_side(const Side& descent) {
  const Data& d = data();
  Side side{"direct", {}, [](int t) { descent::kernels::set_num_threads(t); }, {}};
  for (int layer : {1, 2}) {
    auto c = std::make_shared<Direct>(layer == 1 ? kConv1 : kConv2, d, layer == 1);
    const std::string n = "conv" + std::to_string(layer), pool = "pool" + std::to_string(layer);
    side.ops.push_back({n + " fwd", [c] { c->forward(); }, [c] { return c->y; }});
    for (const Op& op : descent.ops)  // backward-data from descent (col2im's scatter is the direct form)
      if (op.name == n + " bwd data") side.ops.push_back(op);
    side.ops.push_back({n + " bwd weights", [c] { c->backward_weights(); },
                        [c] {
                          std::vector<float> r = c->dw;
                          r.insert(r.end(), c->db.begin(), c->db.end());
                          return r;
                        }});
    for (const Op& op : descent.ops)
      if (op.name.rfind(pool, 0) == 0) side.ops.push_back(op);
  }
  return side;
}

}  // namespace bench
