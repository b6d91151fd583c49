// im2col + libxsmm: descent's scheme with libxsmm's JIT small-matrix products in place of descent's
// own, one image at a time (its columns, (C kh kw, OH OW), stay in L1/L2). libxsmm is column-major: a
// row-major (r, c) matrix is its (c, r) transpose. Pooling is descent's (libxsmm 1.17's pooling wants
// blocked layouts).
#include <libxsmm.h>
#include <descent/tensor/kernels/blas.hpp>
#include <descent/tensor/kernels/parallel.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "side.hpp"

namespace bench {
namespace {

constexpr int kMaxThreads = 2;

libxsmm_smmfunction dispatch(int m, int n, int k, int lda, int ldb, int ldc, float beta) {
  const float alpha = 1;
  const int flags = LIBXSMM_GEMM_FLAG_NONE;
  const libxsmm_blasint la = lda, lb = ldb, lc = ldc;
  libxsmm_smmfunction f = libxsmm_smmdispatch(m, n, k, &la, &lb, &lc, &alpha, &beta, &flags, nullptr);
  if (!f) throw std::runtime_error("libxsmm: no kernel for this product");
  return f;
}

// (C, H, W) -> (C k k, OH OW), stride 1, zeros in the padding.
void im2col(const float* x, float* cols, const ConvShape& s) {
  const int oh = s.oh(), ow = s.ow();
  for (int c = 0; c < s.c; ++c)
    for (int i = 0; i < s.k; ++i)
      for (int j = 0; j < s.k; ++j, cols += oh * ow)
        for (int r = 0; r < oh; ++r) {
          float* d = cols + r * ow;
          const int ih = r + i - s.pad;
          if (ih < 0 || ih >= s.h) {
            std::fill(d, d + ow, 0.0f);
            continue;
          }
          const int lo = std::max(0, s.pad - j), hi = std::min(ow, s.w + s.pad - j);
          std::fill(d, d + lo, 0.0f);
          std::memcpy(d + lo, x + (c * s.h + ih) * s.w + lo + j - s.pad, sizeof(float) * (hi - lo));
          std::fill(d + hi, d + ow, 0.0f);
        }
}

// The adjoint: columns added back into a zeroed (C, H, W) image.
void col2im(const float* cols, float* x, const ConvShape& s) {
  const int oh = s.oh(), ow = s.ow();
  std::fill(x, x + s.c * s.h * s.w, 0.0f);
  for (int c = 0; c < s.c; ++c)
    for (int i = 0; i < s.k; ++i)
      for (int j = 0; j < s.k; ++j, cols += oh * ow)
        for (int r = 0; r < oh; ++r) {
          const int ih = r + i - s.pad;
          if (ih < 0 || ih >= s.h) continue;
          const int lo = std::max(0, s.pad - j), hi = std::min(ow, s.w + s.pad - j);
          float* d = x + (c * s.h + ih) * s.w + j - s.pad;
          for (int q = lo; q < hi; ++q) d[q] += cols[r * ow + q];
        }
}

// Runs f(t, first, end) over the batch's images, split among the pool's threads.
template <class F>
void over_images(F&& f) {
  const int threads = std::min(kMaxThreads, std::max(1, descent::kernels::get_num_threads()));
  const int share = (kBatch + threads - 1) / threads;
  descent::kernels::parallel_run(threads, [&](int t) { f(t, t * share, std::min(kBatch, (t + 1) * share)); });
}

struct Conv {
  ConvShape s;
  int K, L, O;
  std::vector<float> x, w, b, dy, y, dx, dw, db, wt;
  std::vector<float> cols[kMaxThreads], dyt[kMaxThreads], dwt[kMaxThreads], dbt[kMaxThreads];
  libxsmm_smmfunction fwd, bwd_data, bwd_weights;

  Conv(const ConvShape& shape, const std::vector<float>& x_, const std::vector<float>& w_, const std::vector<float>& b_,
       const std::vector<float>& dy_)
      : s(shape), K(s.c * s.k * s.k), L(s.oh() * s.ow()), O(s.o), x(x_), w(w_), b(b_), dy(dy_) {
    y.resize(static_cast<std::size_t>(kBatch) * O * L);
    dx.resize(x.size());
    dw.resize(w.size());
    db.resize(b.size());
    wt.resize(w.size());
    for (int t = 0; t < kMaxThreads; ++t) {
      cols[t].resize(static_cast<std::size_t>(K) * L);
      dyt[t].resize(static_cast<std::size_t>(L) * O);
      dwt[t].resize(w.size());
      dbt[t].resize(b.size());
    }
    // y_n (O, L) = W (O, K) cols_n (K, L): column-major (L, O) = (L, K) x (K, O)
    fwd = dispatch(L, O, K, L, K, L, 1.0f);
    // dcols_n (K, L) = W^T (K, O) dY_n (O, L): column-major (L, K) = (L, O) x (O, K), W^T given as (K, O)
    bwd_data = dispatch(L, K, O, L, O, L, 0.0f);
    // dW^T (K, O) += cols_n^T... as column-major (O, K) += (O, L) x (L, K): dY_n transposed to (L, O)
    bwd_weights = dispatch(O, K, L, O, L, O, 1.0f);
  }

  void forward() {
    over_images([&](int t, int first, int end) {
      float* c = cols[t].data();
      for (int n = first; n < end; ++n) {
        float* out = y.data() + static_cast<std::size_t>(n) * O * L;
        for (int o = 0; o < O; ++o) std::fill(out + o * L, out + (o + 1) * L, b[o]);
        im2col(x.data() + static_cast<std::size_t>(n) * s.c * s.h * s.w, c, s);
        fwd(c, w.data(), out);
      }
    });
  }

  void backward_data() {
    for (int o = 0; o < O; ++o)
      for (int k = 0; k < K; ++k) wt[k * O + o] = w[o * K + k];
    over_images([&](int t, int first, int end) {
      float* c = cols[t].data();
      for (int n = first; n < end; ++n) {
        bwd_data(dy.data() + static_cast<std::size_t>(n) * O * L, wt.data(), c);
        col2im(c, dx.data() + static_cast<std::size_t>(n) * s.c * s.h * s.w, s);
      }
    });
  }

  void backward_weights() {
    over_images([&](int t, int first, int end) {
      float *c = cols[t].data(), *g = dyt[t].data(), *acc = dwt[t].data(), *bias = dbt[t].data();
      std::fill(acc, acc + w.size(), 0.0f);
      std::fill(bias, bias + O, 0.0f);
      for (int n = first; n < end; ++n) {
        const float* d = dy.data() + static_cast<std::size_t>(n) * O * L;
        for (int o = 0; o < O; ++o) {
          for (int l = 0; l < L; ++l) g[l * O + o] = d[o * L + l];
          bias[o] += sum_of(d + o * L, L);
        }
        im2col(x.data() + static_cast<std::size_t>(n) * s.c * s.h * s.w, c, s);
        bwd_weights(g, c, acc);
      }
    });
    const int threads = std::min(kMaxThreads, std::max(1, descent::kernels::get_num_threads()));
    for (int o = 0; o < O; ++o) {
      db[o] = 0;
      for (int t = 0; t < threads; ++t) db[o] += dbt[t][o];
      for (int k = 0; k < K; ++k) {
        float sum = 0;
        for (int t = 0; t < threads; ++t) sum += dwt[t][k * O + o];
        dw[o * K + k] = sum;
      }
    }
  }
};

void add_conv(Side& side, const char* name, const ConvShape& s, const std::vector<float>& x,
              const std::vector<float>& w, const std::vector<float>& b, const std::vector<float>& dy, bool with_data) {
  auto c = std::make_shared<Conv>(s, x, w, b, dy);
  const std::string n = name;
  side.ops.push_back({n + " fwd", [c] { c->forward(); }, [c] { return c->y; }});
  if (with_data) side.ops.push_back({n + " bwd data", [c] { c->backward_data(); }, [c] { return c->dx; }});
  side.ops.push_back({n + " bwd weights", [c] { c->backward_weights(); },
                      [c] {
                        std::vector<float> r = c->dw;
                        r.insert(r.end(), c->db.begin(), c->db.end());
                        return r;
                      }});
}

}  // namespace

Side xsmm_side(const Side& descent) {
  libxsmm_init();
  const Data& d = data();
  Side side{"im2col+libxsmm", {}, [](int t) { descent::kernels::set_num_threads(t); }, {}};
  auto pool = [&](const std::string& prefix) {
    for (const Op& op : descent.ops)
      if (op.name.rfind(prefix, 0) == 0) side.ops.push_back(op);
  };
  add_conv(side, "conv1", kConv1, d.x1, d.w1, d.b1, d.dy1, false);
  pool("pool1");
  add_conv(side, "conv2", kConv2, d.x2, d.w2, d.b2, d.dy2, true);
  pool("pool2");
  return side;
}

}  // namespace bench
