// descent's own kernels, called as autograd's conv2d and max_pool2d call them: each convolution by the
// library's rule (conv1 direct, conv2 im2col + GEMM), or, for the "descent im2col" side, all of them
// as im2col + GEMM.
#include <descent/tensor/creation.hpp>
#include <descent/tensor/kernels/blas.hpp>
#include <descent/tensor/kernels/conv.hpp>
#include <descent/tensor/kernels/pooling.hpp>
#include <memory>

#include "side.hpp"

namespace bench {
namespace {

using descent::Shape;
using descent::Tensor;
namespace kernels = descent::kernels;

Tensor tensor_of(const std::vector<float>& v, Shape shape) { return descent::from_vector(v, shape); }

std::vector<float> values(std::initializer_list<Tensor> ts) {
  std::vector<float> out;
  for (const Tensor& t : ts) out.insert(out.end(), t.data<float>(), t.data<float>() + t.numel());
  return out;
}

// conv fwd, backward-data (when `with_data`) and backward-weights(+bias) of one layer.
void add_conv(Side& side, const char* name, const ConvShape& s, const std::vector<float>& x,
              const std::vector<float>& w, const std::vector<float>& b, const std::vector<float>& dy, bool with_data,
              kernels::ConvAlgorithm a) {
  struct State {
    Tensor x, w, b, dy, y;
    kernels::Conv2dGrads g;
  };
  auto st = std::make_shared<State>();
  st->x = tensor_of(x, {kBatch, s.c, s.h, s.w});
  st->w = tensor_of(w, {s.o, s.c, s.k, s.k});
  st->b = tensor_of(b, {s.o});
  st->dy = tensor_of(dy, {kBatch, s.o, s.oh(), s.ow()});
  const std::string n = name;
  side.ops.push_back({n + " fwd", [st, s, a] { st->y = kernels::conv2d(st->x, st->w, st->b, 1, s.pad, 1, a); },
                      [st] { return values({st->y}); }});
  if (with_data)
    side.ops.push_back(
        {n + " bwd data",
         [st, s, a] { st->g = kernels::conv2d_backward(st->dy, st->x, st->w, 1, s.pad, 1, true, false, false, a); },
         [st] { return values({st->g.input}); }});
  side.ops.push_back(
      {n + " bwd weights",
       [st, s, a] { st->g = kernels::conv2d_backward(st->dy, st->x, st->w, 1, s.pad, 1, false, true, true, a); },
       [st] {
         return values({st->g.weight, st->g.bias});
       }});
}

void add_pool(Side& side, const char* name, const PoolShape& s, const std::vector<float>& x,
              const std::vector<float>& dy) {
  struct State {
    Tensor x, dy, dx;
    kernels::MaxPool2dResult r;
  };
  auto st = std::make_shared<State>();
  st->x = tensor_of(x, {kBatch, s.c, s.h, s.w});
  st->dy = tensor_of(dy, {kBatch, s.c, s.h / 2, s.w / 2});
  const std::string n = name;
  side.ops.push_back({n + " fwd", [st] { st->r = kernels::max_pool2d(st->x, {.kernel = 2, .stride = 2}); },
                      [st] { return values({st->r.output}); }});
  side.ops.push_back({n + " bwd",
                      [st] {
                        if (!st->r.indices.defined()) st->r = kernels::max_pool2d(st->x, {.kernel = 2, .stride = 2});
                        st->dx = kernels::max_pool2d_backward(st->dy, st->r.indices, st->x.shape());
                      },
                      [st] { return values({st->dx}); }});
}

}  // namespace

Side descent_side(bool im2col_only) {
  const Data& d = data();
  const auto a = im2col_only ? kernels::ConvAlgorithm::Im2col : kernels::ConvAlgorithm::Auto;
  Side side{im2col_only ? "descent im2col" : "descent", {}, [](int t) { kernels::set_num_threads(t); }, {}};
  add_conv(side, "conv1", kConv1, d.x1, d.w1, d.b1, d.dy1, false, a);  // the image needs no gradient
  add_pool(side, "pool1", kPool1, d.p1, d.dp1);
  add_conv(side, "conv2", kConv2, d.x2, d.w2, d.b2, d.dy2, true, a);
  add_pool(side, "pool2", kPool2, d.p2, d.dp2);
  return side;
}

}  // namespace bench
