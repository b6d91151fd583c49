// oneDNN's convolution and pooling primitives on descent's NCHW tensors. With `any_format`, oneDNN
// picks the convolutions' layouts (blocked, as nChw16c) and each call pays the reorders from and back
// to NCHW that descent's storage would need; pooling stays on NCHW.
#include <omp.h>

#include <dnnl.hpp>
#include <memory>

#include "side.hpp"

namespace bench {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Ctx {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
};

memory::desc md(memory::dims dims, tag t) { return {dims, dt::f32, t}; }

// A user buffer (plain layout) and, where the primitive wants another layout, its own buffer and the
// reorders between them.
struct Arg {
  memory user, prim;
  bool reordered = false;
  Arg() = default;
  Arg(Ctx& c, const memory::desc& user_md, const memory::desc& prim_md, const float* init = nullptr)
      : user(user_md, c.eng) {
    if (init) std::copy(init, init + user_md.get_size() / sizeof(float), static_cast<float*>(user.get_data_handle()));
    reordered = user_md != prim_md;
    prim = reordered ? memory(prim_md, c.eng) : user;
  }
  void in(Ctx& c) {
    if (reordered) dnnl::reorder(user, prim).execute(c.strm, user, prim);
  }
  void out(Ctx& c) {
    if (reordered) dnnl::reorder(prim, user).execute(c.strm, prim, user);
  }
  std::vector<float> values() const {
    const float* p = static_cast<const float*>(user.get_data_handle());
    return {p, p + user.get_desc().get_size() / sizeof(float)};
  }
};

std::vector<float> concat(std::vector<float> a, const std::vector<float>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void add_conv(Side& side, const std::shared_ptr<Ctx>& c, bool any, const char* name, const ConvShape& s,
              const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
              const std::vector<float>& dy, bool with_data) {
  const memory::dims xd{kBatch, s.c, s.h, s.w}, wd{s.o, s.c, s.k, s.k}, bd{s.o}, yd{kBatch, s.o, s.oh(), s.ow()};
  const memory::dims strides{1, 1}, pad{s.pad, s.pad};
  const tag act = any ? tag::any : tag::nchw, wt = any ? tag::any : tag::oihw;
  const auto alg = dnnl::algorithm::convolution_direct;
  dnnl::convolution_forward::primitive_desc fwd(
      {dnnl::prop_kind::forward_training, alg, md(xd, act), md(wd, wt), md(bd, tag::x), md(yd, act), strides, pad, pad},
      c->eng);
  const std::string n = name;
  {
    auto xa = std::make_shared<Arg>(*c, md(xd, tag::nchw), fwd.src_desc(), x.data());
    auto wa = std::make_shared<Arg>(*c, md(wd, tag::oihw), fwd.weights_desc(), w.data());
    auto ba = std::make_shared<Arg>(*c, md(bd, tag::x), fwd.bias_desc(), b.data());
    auto ya = std::make_shared<Arg>(*c, md(yd, tag::nchw), fwd.dst_desc());
    auto prim = std::make_shared<dnnl::convolution_forward>(fwd);
    side.ops.push_back({n + " fwd",
                        [=] {
                          xa->in(*c), wa->in(*c);
                          prim->execute(c->strm, {{DNNL_ARG_SRC, xa->prim},
                                                  {DNNL_ARG_WEIGHTS, wa->prim},
                                                  {DNNL_ARG_BIAS, ba->prim},
                                                  {DNNL_ARG_DST, ya->prim}});
                          ya->out(*c);
                          c->strm.wait();
                        },
                        [=] { return ya->values(); }});
    side.impl += n + " fwd: " + fwd.impl_info_str() + "; ";
  }
  if (with_data) {
    dnnl::convolution_backward_data::primitive_desc bwd({alg, md(xd, act), md(wd, wt), md(yd, act), strides, pad, pad},
                                                        c->eng, fwd);
    auto dya = std::make_shared<Arg>(*c, md(yd, tag::nchw), bwd.diff_dst_desc(), dy.data());
    auto wa = std::make_shared<Arg>(*c, md(wd, tag::oihw), bwd.weights_desc(), w.data());
    auto dxa = std::make_shared<Arg>(*c, md(xd, tag::nchw), bwd.diff_src_desc());
    auto prim = std::make_shared<dnnl::convolution_backward_data>(bwd);
    side.ops.push_back(
        {n + " bwd data",
         [=] {
           dya->in(*c), wa->in(*c);
           prim->execute(
               c->strm, {{DNNL_ARG_DIFF_DST, dya->prim}, {DNNL_ARG_WEIGHTS, wa->prim}, {DNNL_ARG_DIFF_SRC, dxa->prim}});
           dxa->out(*c);
           c->strm.wait();
         },
         [=] { return dxa->values(); }});
    side.impl += n + " bwd data: " + bwd.impl_info_str() + "; ";
  }
  dnnl::convolution_backward_weights::primitive_desc bww(
      {alg, md(xd, act), md(wd, wt), md(bd, tag::x), md(yd, act), strides, pad, pad}, c->eng, fwd);
  auto xa = std::make_shared<Arg>(*c, md(xd, tag::nchw), bww.src_desc(), x.data());
  auto dya = std::make_shared<Arg>(*c, md(yd, tag::nchw), bww.diff_dst_desc(), dy.data());
  auto dwa = std::make_shared<Arg>(*c, md(wd, tag::oihw), bww.diff_weights_desc());
  auto dba = std::make_shared<Arg>(*c, md(bd, tag::x), bww.diff_bias_desc());
  auto prim = std::make_shared<dnnl::convolution_backward_weights>(bww);
  side.ops.push_back({n + " bwd weights",
                      [=] {
                        xa->in(*c), dya->in(*c);
                        prim->execute(c->strm, {{DNNL_ARG_SRC, xa->prim},
                                                {DNNL_ARG_DIFF_DST, dya->prim},
                                                {DNNL_ARG_DIFF_WEIGHTS, dwa->prim},
                                                {DNNL_ARG_DIFF_BIAS, dba->prim}});
                        dwa->out(*c);
                        c->strm.wait();
                      },
                      [=] { return concat(dwa->values(), dba->values()); }});
  side.impl += n + " bwd weights: " + bww.impl_info_str() + "; ";
}

void add_pool(Side& side, const std::shared_ptr<Ctx>& c, const char* name, const PoolShape& s,
              const std::vector<float>& x, const std::vector<float>& dy) {
  const memory::dims xd{kBatch, s.c, s.h, s.w}, yd{kBatch, s.c, s.h / 2, s.w / 2};
  const memory::dims two{2, 2}, zero{0, 0};
  const auto alg = dnnl::algorithm::pooling_max;
  dnnl::pooling_forward::primitive_desc fwd(
      {dnnl::prop_kind::forward_training, alg, md(xd, tag::nchw), md(yd, tag::nchw), two, two, zero, zero}, c->eng);
  dnnl::pooling_backward::primitive_desc bwd({alg, md(xd, tag::nchw), md(yd, tag::nchw), two, two, zero, zero}, c->eng,
                                             fwd);
  auto xa = std::make_shared<Arg>(*c, md(xd, tag::nchw), md(xd, tag::nchw), x.data());
  auto ya = std::make_shared<Arg>(*c, md(yd, tag::nchw), md(yd, tag::nchw));
  auto dya = std::make_shared<Arg>(*c, md(yd, tag::nchw), md(yd, tag::nchw), dy.data());
  auto dxa = std::make_shared<Arg>(*c, md(xd, tag::nchw), md(xd, tag::nchw));
  auto ws = std::make_shared<memory>(fwd.workspace_desc(), c->eng);
  auto pf = std::make_shared<dnnl::pooling_forward>(fwd);
  auto pb = std::make_shared<dnnl::pooling_backward>(bwd);
  auto run_fwd = [=] {
    pf->execute(c->strm, {{DNNL_ARG_SRC, xa->prim}, {DNNL_ARG_DST, ya->prim}, {DNNL_ARG_WORKSPACE, *ws}});
    c->strm.wait();
  };
  const std::string n = name;
  side.ops.push_back({n + " fwd", run_fwd, [=] { return ya->values(); }});
  run_fwd();  // the workspace backward reads
  side.ops.push_back(
      {n + " bwd",
       [=] {
         pb->execute(c->strm,
                     {{DNNL_ARG_DIFF_DST, dya->prim}, {DNNL_ARG_WORKSPACE, *ws}, {DNNL_ARG_DIFF_SRC, dxa->prim}});
         c->strm.wait();
       },
       [=] { return dxa->values(); }});
  side.impl += n + ": " + fwd.impl_info_str() + "; ";
}

}  // namespace

Side dnnl_side(bool any_format, int threads) {
  omp_set_num_threads(threads);
  const Data& d = data();
  auto c = std::make_shared<Ctx>();
  Side side{any_format ? "oneDNN any+reorders" : "oneDNN nchw", {}, [](int t) { omp_set_num_threads(t); }, {}};
  add_conv(side, c, any_format, "conv1", kConv1, d.x1, d.w1, d.b1, d.dy1, false);
  add_pool(side, c, "pool1", kPool1, d.p1, d.dp1);
  add_conv(side, c, any_format, "conv2", kConv2, d.x2, d.w2, d.b2, d.dy2, true);
  add_pool(side, c, "pool2", kPool2, d.p2, d.dp2);
  return side;
}

}  // namespace bench
