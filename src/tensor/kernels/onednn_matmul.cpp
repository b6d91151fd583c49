// oneDNN's matmul primitive rather than its sgemm: the primitive runs the batch-reduce GEMM kernels
// (brgemm) of oneDNN's own layers, and adds a bias in the same pass. One thread, GFLOP/s, oneDNN 2.6,
// AMD EPYC (Zen 5), sgemm against the primitive: 256x1024x784 (X W1^T) 174 / 196; 256x1024x1024
// (X W2^T) 183 / 195; 1024x1024x256 (G^T H) 200 / 198; 1024x784x256 190 / 202; at 128 rows (a rank's
// shard of 256) 128x1024x1024 (X W2^T) 158 / 177. Without transposes (an input gradient, G W) sgemm
// stays: 2.84 against 2.90 ms at 256x1024x1024, 1.50 against 1.53 ms at 128 rows (interleaved calls).
// Building a primitive JIT-compiles its kernels (about a millisecond): built primitives are kept by
// their shapes, layouts and thread count, and a training step finds its products' primitives there.
#include "onednn_matmul.hpp"

#ifdef DESCENT_WITH_DNNL
#include <omp.h>

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <tuple>
#include <unordered_map>
#endif

namespace descent::kernels {

#ifdef DESCENT_WITH_DNNL
namespace {

using MatmulKey = std::tuple<bool, bool, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                             std::int64_t, bool, bool, bool, int>;

struct BuiltMatmul {
  dnnl::memory::desc a, b, c, bias;
  dnnl::matmul primitive;  // empty: oneDNN refused these shapes
};

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Primitives kept for the shapes a program meets; a training loop meets a handful. Past kMaxKept (a
// program sweeping shapes) all are dropped, and built again as they are met.
constexpr std::size_t kMaxKept = 64;

std::shared_ptr<const BuiltMatmul> built_matmul(const OneDnnProduct& p) {
  // The engine first: statics end in reverse order, so it outlives every primitive kept below.
  dnnl::engine& engine = cpu_engine();
  static std::mutex mutex;
  static std::map<MatmulKey, std::shared_ptr<const BuiltMatmul>> kept;
  const MatmulKey key{p.trans_a,    p.trans_b,         p.m,    p.n,      p.k, p.lda, p.ldb, p.ldc,
                      p.accumulate, p.bias != nullptr, p.relu, p.threads};
  std::lock_guard<std::mutex> lock(mutex);
  auto found = kept.find(key);
  if (found != kept.end()) return found->second;
  if (kept.size() >= kMaxKept) kept.clear();
  auto built = std::make_shared<BuiltMatmul>();
  using dims = dnnl::memory::dims;
  const auto f32 = dnnl::memory::data_type::f32;
  // Row-major operands with leading dimensions, a transposed one as its strides say.
  built->a = dnnl::memory::desc(dims{p.m, p.k}, f32, p.trans_a ? dims{1, p.lda} : dims{p.lda, 1});
  built->b = dnnl::memory::desc(dims{p.k, p.n}, f32, p.trans_b ? dims{1, p.ldb} : dims{p.ldb, 1});
  built->c = dnnl::memory::desc(dims{p.m, p.n}, f32, dims{p.ldc, 1});
  if (p.bias) built->bias = dnnl::memory::desc(dims{1, p.n}, f32, dims{p.n, 1});
  try {
    dnnl::primitive_attr attr;
    dnnl::post_ops ops;
    if (p.accumulate) ops.append_sum(1.0f);
    // ReLU as clip to [0, inf): oneDNN defines its relu as x > 0 ? x : alpha x, -0 for a negative x;
    // clip gives +0, and 0 for NaN, as descent's ReLU does (tests/tensor/onednn_matmul_test.cpp holds
    // them to the same bits).
    if (p.relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, 0.0f, std::numeric_limits<float>::infinity());
    attr.set_post_ops(ops);
    const auto desc = p.bias ? dnnl::matmul::desc(built->a, built->b, built->bias, built->c)
                             : dnnl::matmul::desc(built->a, built->b, built->c);
    built->primitive = dnnl::matmul(dnnl::matmul::primitive_desc(desc, attr, engine));
  } catch (const dnnl::error&) {
    built->primitive = dnnl::matmul();  // refused: the caller takes another route
  }
  kept.emplace(key, built);
  return built;
}

}  // namespace

bool onednn_matmul(const OneDnnProduct& p) {
  // The primitive splits its work over the threads OpenMP reports when it is built and when it runs.
  omp_set_num_threads(p.threads);
  const std::shared_ptr<const BuiltMatmul> kept = built_matmul(p);
  const BuiltMatmul& mm = *kept;
  if (!mm.primitive) return false;
  dnnl::engine& engine = cpu_engine();
  thread_local dnnl::stream stream(engine);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(mm.a, engine, const_cast<float*>(p.a))},
                                             {DNNL_ARG_WEIGHTS, dnnl::memory(mm.b, engine, const_cast<float*>(p.b))},
                                             {DNNL_ARG_DST, dnnl::memory(mm.c, engine, p.c)}};
  if (p.bias) args.emplace(DNNL_ARG_BIAS, dnnl::memory(mm.bias, engine, const_cast<float*>(p.bias)));
  mm.primitive.execute(stream, args);
  stream.wait();
  return true;
}

#else

bool onednn_matmul(const OneDnnProduct&) { return false; }

#endif

}  // namespace descent::kernels
