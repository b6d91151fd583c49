// The fused updates (kernels::*_step_, reached through each optimizer's step()) for every rule and
// every combination of its options, in float32 and float64, on two parameters: 37 elements (whole
// registers and a tail at every vector width) and 5 (a tail alone at most widths). Two checks:
//  - Formula: four steps against a plain double-precision loop over the rule's formula as its header
//    writes it (descent/optim/*.hpp, which follow torch.optim 1.13's algorithms; the PyTorch docs'
//    boxes say the same but for two points noted at Adam and SGD below). Every parameter and state
//    buffer within 1e-12 in float64 and 2e-6 in float32, relative to the buffer's largest element
//    (float32's rounding over four steps: about 2e-7 here; the largest errors are printed).
//  - Chain: each step against the chain of elementwise kernels the rule ran before the fusion (below,
//    as it was), run from the same parameter and state: within 1 ulp in float32 and 1e-12 relative in
//    float64. In the default build the two agree bit for bit but for Adam's and AdamW's sqrt(v) /
//    sqrt(1 - beta2^t), a product with the reciprocal since (an ulp apart at most); the count is
//    printed. Gradients that are zeros of either sign, infinite, NaN or subnormal must give the
//    chain's values exactly (Adam's in float32: the chain's run with subnormals flushed, as the fused
//    sweep runs; see below).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "descent/descent.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/optimizer_steps.hpp"

namespace descent::optim {
namespace {

using Vec = std::vector<double>;
using RefState = std::map<std::string, Vec>;  // one parameter's buffers, by their state-dict names

constexpr int kSteps = 4;
const std::vector<std::int64_t> kSizes = {37, 5};

// Values in [-1, 1) from a fixed LCG, rounded to float so that both dtypes start from the same numbers.
double draw(std::uint64_t& s) {
  s = s * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<float>(static_cast<double>(s >> 11) * 0x1p-52 - 1);
}

Tensor clone(const Tensor& t) {
  Tensor c = Tensor::empty(t.shape(), t.dtype());
  kernels::copy_(c, t);
  return c;
}

// ---- The chain of kernels each rule ran before the fusion (src/optim/*.cpp at 6b53501). ----

void sgd_chain(const Tensor& p, const Tensor& grad, ParamState& state, const SGDOptions& o) {
  if (o.momentum == 0 && o.weight_decay == 0) {
    kernels::add_(p, grad, o.maximize ? o.lr : -o.lr);
    return;
  }
  Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  if (o.momentum != 0) {
    Tensor& b = state.buffers["momentum_buffer"];
    if (!b.defined()) {
      b = kernels::affine(g, 1.0, 0.0);
    } else {
      kernels::mul_(b, o.momentum);
      kernels::add_(b, g, 1.0 - o.dampening);
    }
    if (o.nesterov) {
      if (g.same(grad)) g = kernels::affine(grad, 1.0, 0.0);
      kernels::add_(g, b, o.momentum);
    } else {
      g = b;
    }
  }
  kernels::add_(p, g, -o.lr);
}

void adam_chain_step(const Tensor& p, const Tensor& g, ParamState& state, double lr, Betas betas, double eps,
                     bool amsgrad) {
  const auto [beta1, beta2] = betas;
  Tensor& m = state.buffer("exp_avg", p);
  Tensor& v = state.buffer("exp_avg_sq", p);
  kernels::mul_(m, beta1);
  kernels::add_(m, g, 1 - beta1);
  kernels::mul_(v, beta2);
  kernels::addcmul_(v, g, g, 1 - beta2);
  const double t = static_cast<double>(state.step);
  const double step_size = lr / (1 - std::pow(beta1, t));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, t));
  const Tensor* second = &v;
  if (amsgrad) {
    Tensor& vmax = state.buffer("max_exp_avg_sq", p);
    kernels::maximum_(vmax, v);
    second = &vmax;
  }
  const Tensor denom = kernels::unary(kernels::UnaryOp::Sqrt, *second);
  kernels::div_(denom, bias_correction2_sqrt);
  kernels::add_scalar_(denom, eps);
  kernels::addcdiv_(p, m, denom, -step_size);
}

void adam_chain(const Tensor& p, const Tensor& grad, ParamState& state, const AdamOptions& o) {
  adam_chain_step(p, regularized_grad(grad, p, o.maximize, o.weight_decay), state, o.lr, o.betas, o.eps, o.amsgrad);
}

void adamw_chain(const Tensor& p, const Tensor& grad, ParamState& state, const AdamWOptions& o) {
  kernels::mul_(p, 1 - o.lr * o.weight_decay);
  adam_chain_step(p, regularized_grad(grad, p, o.maximize, 0.0), state, o.lr, o.betas, o.eps, o.amsgrad);
}

void adagrad_chain(const Tensor& p, const Tensor& grad, ParamState& state, const AdagradOptions& o) {
  const Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  const double clr = o.lr / (1 + static_cast<double>(state.step - 1) * o.lr_decay);
  Tensor& sum = state.buffer("sum", p, o.initial_accumulator_value);
  kernels::addcmul_(sum, g, g, 1.0);
  const Tensor denom = kernels::unary(kernels::UnaryOp::Sqrt, sum);
  kernels::add_scalar_(denom, o.eps);
  kernels::addcdiv_(p, g, denom, -clr);
}

Tensor rms_chain(const Tensor& x, double eps) {
  Tensor r = kernels::affine(x, 1.0, eps);
  kernels::sqrt_(r);
  return r;
}

void adadelta_chain(const Tensor& p, const Tensor& grad, ParamState& state, const AdadeltaOptions& o) {
  using kernels::BinaryOp;
  const Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  Tensor& v = state.buffer("square_avg", p);
  Tensor& u = state.buffer("acc_delta", p);
  kernels::mul_(v, o.rho);
  kernels::addcmul_(v, g, g, 1 - o.rho);
  const Tensor d =
      kernels::binary(BinaryOp::Mul, kernels::binary(BinaryOp::Div, rms_chain(u, o.eps), rms_chain(v, o.eps)), g);
  kernels::mul_(u, o.rho);
  kernels::addcmul_(u, d, d, 1 - o.rho);
  kernels::add_(p, d, -o.lr);
}

void rmsprop_chain(const Tensor& p, const Tensor& grad, ParamState& state, const RMSpropOptions& o) {
  const Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  Tensor& v = state.buffer("square_avg", p);
  kernels::mul_(v, o.alpha);
  kernels::addcmul_(v, g, g, 1 - o.alpha);
  Tensor d = kernels::affine(v, 1.0, 0.0);
  if (o.centered) {
    Tensor& m = state.buffer("grad_avg", p);
    kernels::mul_(m, o.alpha);
    kernels::add_(m, g, 1 - o.alpha);
    kernels::addcmul_(d, m, m, -1.0);
  }
  kernels::sqrt_(d);
  kernels::add_scalar_(d, o.eps);
  if (o.momentum > 0) {
    Tensor& b = state.buffer("momentum_buffer", p);
    kernels::mul_(b, o.momentum);
    kernels::addcdiv_(b, g, d, 1.0);
    kernels::add_(p, b, -o.lr);
  } else {
    kernels::addcdiv_(p, g, d, -o.lr);
  }
}

// ---- The formulas, in double, elementwise; t counts from 1. ----

// sgd.hpp. PyTorch's docs box applies maximize at the end (p <- p + lr g); 1.13's code, the header and
// the trajectories negate g first, before weight decay: that is what is written here.
void sgd_formula(RefState& s, Vec& p, const Vec& grad, int t, const SGDOptions& o) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    double g = o.maximize ? -grad[i] : grad[i];
    g += o.weight_decay * p[i];
    if (o.momentum != 0) {
      Vec& b = s["momentum_buffer"];
      b.resize(p.size());
      b[i] = t == 1 ? g : o.momentum * b[i] + (1 - o.dampening) * g;
      g = o.nesterov ? g + o.momentum * b[i] : b[i];
    }
    p[i] -= o.lr * g;
  }
}

// adam.hpp in the textbook form: m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), p -= lr m_hat /
// (sqrt(v_hat) + eps). With amsgrad PyTorch's code (not its docs box, which keeps the max of v_hat)
// keeps the max of the uncorrected v. decay: AdamW's p *= 1 - lr wd first (adamw.hpp), 1 for Adam.
void adam_formula(RefState& s, Vec& p, const Vec& grad, int t, double lr, Betas betas, double eps, double l2,
                  double decay, bool amsgrad, bool maximize) {
  const auto [b1, b2] = betas;
  Vec &m = s["exp_avg"], &v = s["exp_avg_sq"];
  m.resize(p.size());
  v.resize(p.size());
  Vec* second = &v;
  if (amsgrad) {
    second = &s["max_exp_avg_sq"];
    second->resize(p.size());
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] *= decay;
    const double g = (maximize ? -grad[i] : grad[i]) + l2 * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    if (amsgrad) (*second)[i] = std::max((*second)[i], v[i]);
    const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = (*second)[i] / (1 - std::pow(b2, t));
    p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
  }
}

// adagrad.hpp
void adagrad_formula(RefState& s, Vec& p, const Vec& grad, int t, const AdagradOptions& o) {
  Vec& sum = s["sum"];
  if (sum.empty()) sum.assign(p.size(), o.initial_accumulator_value);
  const double clr = o.lr / (1 + (t - 1) * o.lr_decay);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double g = (o.maximize ? -grad[i] : grad[i]) + o.weight_decay * p[i];
    sum[i] += g * g;
    p[i] -= clr * g / (std::sqrt(sum[i]) + o.eps);
  }
}

// adadelta.hpp
void adadelta_formula(RefState& s, Vec& p, const Vec& grad, int, const AdadeltaOptions& o) {
  Vec &v = s["square_avg"], &u = s["acc_delta"];
  v.resize(p.size());
  u.resize(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double g = (o.maximize ? -grad[i] : grad[i]) + o.weight_decay * p[i];
    v[i] = o.rho * v[i] + (1 - o.rho) * g * g;
    const double d = std::sqrt(u[i] + o.eps) / std::sqrt(v[i] + o.eps) * g;
    u[i] = o.rho * u[i] + (1 - o.rho) * d * d;
    p[i] -= o.lr * d;
  }
}

// rmsprop.hpp
void rmsprop_formula(RefState& s, Vec& p, const Vec& grad, int, const RMSpropOptions& o) {
  Vec& v = s["square_avg"];
  v.resize(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double g = (o.maximize ? -grad[i] : grad[i]) + o.weight_decay * p[i];
    v[i] = o.alpha * v[i] + (1 - o.alpha) * g * g;
    double d = v[i];
    if (o.centered) {
      Vec& m = s["grad_avg"];
      m.resize(p.size());
      m[i] = o.alpha * m[i] + (1 - o.alpha) * g;
      d -= m[i] * m[i];
    }
    d = std::sqrt(d) + o.eps;
    if (o.momentum > 0) {
      Vec& b = s["momentum_buffer"];
      b.resize(p.size());
      b[i] = o.momentum * b[i] + g / d;
      p[i] -= o.lr * b[i];
    } else {
      p[i] -= o.lr * g / d;
    }
  }
}

// ---- The harness. ----

// Ulps between a and b as floats (float32) or doubles.
std::uint64_t ulps(double a, double b, Dtype dtype) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
  // the bits as an unsigned count that grows with the value, from -inf up to +inf
  auto ordered = [](auto x) -> std::uint64_t {
    using U = std::conditional_t<sizeof(x) == 4, std::uint32_t, std::uint64_t>;
    const U u = std::bit_cast<U>(x), sign = U(1) << (sizeof(U) * 8 - 1);
    return u & sign ? static_cast<std::uint64_t>(U(~u)) : static_cast<std::uint64_t>(u | sign);
  };
  const std::uint64_t x = dtype == Dtype::Float32 ? ordered(static_cast<float>(a)) : ordered(a);
  const std::uint64_t y = dtype == Dtype::Float32 ? ordered(static_cast<float>(b)) : ordered(b);
  return x > y ? x - y : y - x;
}

struct ChainCount {
  std::size_t identical = 0, total = 0;
  double worst[2] = {0, 0};  // the largest error against the formula relative to its scale: float64, float32
};

// Fused (this build's step()) against the chain, one step from the same state: every element of the
// parameter and of each buffer.
void expect_as_chain(const Tensor& fused, const Tensor& chain, const std::string& what, ChainCount& count) {
  const Vec a = fused.to_vector(), b = chain.to_vector();
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ++count.total;
    const std::uint64_t u = ulps(a[i], b[i], fused.dtype());
    if (u == 0) {  // equal, infinities and NaNs included; identical if zeros have one sign (NaNs any)
      if (std::isnan(a[i]) || std::signbit(a[i]) == std::signbit(b[i])) ++count.identical;
      continue;
    }
    if (fused.dtype() == Dtype::Float32)
      EXPECT_LE(u, 1u) << what << "[" << i << "]: fused " << a[i] << ", chain " << b[i];
    else
      EXPECT_LE(std::abs(a[i] - b[i]), 1e-12 * std::max(1.0, std::abs(b[i])))
          << what << "[" << i << "]: fused " << a[i] << ", chain " << b[i];
  }
}

// Within tol of the reference, relative to the largest element of the reference buffer (at least 1e-3).
void expect_as_formula(const Tensor& fused, const Vec& ref, double tol, const std::string& what, double& worst) {
  const Vec a = fused.to_vector();
  ASSERT_EQ(a.size(), ref.size()) << what;
  double scale = 1e-3;
  for (double r : ref) scale = std::max(scale, std::abs(r));
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - ref[i]) / scale);
    EXPECT_LE(std::abs(a[i] - ref[i]), tol * scale)
        << what << "[" << i << "]: fused " << a[i] << ", formula " << ref[i];
  }
}

template <class Options>
using Formula = std::function<void(RefState&, Vec&, const Vec&, int, const Options&)>;
template <class Options>
using Chain = std::function<void(const Tensor&, const Tensor&, ParamState&, const Options&)>;

template <class Rule>
void check_rule(const typename Rule::Options& o, const std::string& label,
                const Formula<typename Rule::Options>& formula, const Chain<typename Rule::Options>& chain,
                ChainCount& count) {
  for (const Dtype dtype : {Dtype::Float64, Dtype::Float32}) {
    const std::string run = label + " " + std::string(to_string(dtype));
    SCOPED_TRACE(run);
    std::uint64_t seed = 12345;
    NamedParameters params;
    std::vector<Vec> ref_p;
    std::vector<RefState> ref_s(kSizes.size());
    for (std::size_t k = 0; k < kSizes.size(); ++k) {
      Vec v(static_cast<std::size_t>(kSizes[k]));
      for (double& x : v) x = draw(seed);
      ref_p.push_back(v);
      params.emplace_back("p" + std::to_string(k), from_vector(v, Shape{kSizes[k]}, dtype).requires_grad_());
    }
    Rule opt(params, o);
    for (int t = 1; t <= kSteps; ++t) {
      std::vector<ParamState> before(kSizes.size());
      std::vector<Tensor> chain_p;
      for (std::size_t k = 0; k < kSizes.size(); ++k) {
        const Tensor& p = params[k].second;
        Vec g(static_cast<std::size_t>(kSizes[k]));
        for (double& x : g) x = draw(seed);
        p.set_grad(from_vector(g, Shape{kSizes[k]}, dtype));
        formula(ref_s[k], ref_p[k], g, t, o);
        // the chain's own copies of this parameter and its state before the step
        chain_p.push_back(clone(p));
        if (const ParamState* s = opt.state(params[k].first)) {
          before[k].step = s->step;
          for (const auto& [name, b] : s->buffers) before[k].buffers[name] = clone(b);
        }
        ++before[k].step;
        chain(chain_p[k], p.grad(), before[k], o);
      }
      opt.step();
      for (std::size_t k = 0; k < kSizes.size(); ++k) {
        const std::string at = params[k].first + " step " + std::to_string(t);
        expect_as_chain(params[k].second, chain_p[k], at, count);
        const ParamState* s = opt.state(params[k].first);
        ASSERT_NE(s, nullptr);
        for (const auto& [name, b] : before[k].buffers) {
          ASSERT_TRUE(s->buffers.contains(name)) << at << ": no " << name;
          expect_as_chain(s->buffers.at(name), b, at + " " + name, count);
        }
      }
    }
    const double tol = dtype == Dtype::Float64 ? 1e-12 : 2e-6;
    for (std::size_t k = 0; k < kSizes.size(); ++k) {
      const std::string& name = params[k].first;
      double& worst = count.worst[dtype == Dtype::Float64 ? 0 : 1];
      expect_as_formula(params[k].second, ref_p[k], tol, name, worst);
      const ParamState* s = opt.state(name);
      ASSERT_NE(s, nullptr);
      for (const auto& [buffer, values] : ref_s[k]) {
        ASSERT_TRUE(s->buffers.contains(buffer)) << name << ": no " << buffer;
        expect_as_formula(s->buffers.at(buffer), values, tol, name + "." + buffer, worst);
      }
    }
  }
}

void print_count(const char* rule, const ChainCount& c) {
  std::printf(
      "%s: %zu of %zu elements bit-identical to the kernel chain; largest error against the formula %.2g "
      "(float64), %.2g (float32)\n",
      rule, c.identical, c.total, c.worst[0], c.worst[1]);
}

TEST(FusedSteps, SgdEveryOptionCombination) {
  ChainCount count;
  for (double momentum : {0.0, 0.9})
    for (double dampening : {0.0, 0.3})
      for (bool nesterov : {false, true})
        for (double weight_decay : {0.0, 0.05})
          for (bool maximize : {false, true}) {
            if (dampening != 0 && momentum == 0) continue;
            if (nesterov && (momentum == 0 || dampening != 0)) continue;
            const SGDOptions o{.lr = 0.1,
                               .momentum = momentum,
                               .dampening = dampening,
                               .weight_decay = weight_decay,
                               .nesterov = nesterov,
                               .maximize = maximize};
            check_rule<SGD>(o,
                            "SGD momentum=" + std::to_string(momentum) + " dampening=" + std::to_string(dampening) +
                                " nesterov=" + std::to_string(nesterov) + " weight_decay=" +
                                std::to_string(weight_decay) + " maximize=" + std::to_string(maximize),
                            sgd_formula, sgd_chain, count);
          }
  print_count("SGD", count);
}

TEST(FusedSteps, AdamEveryOptionCombination) {
  ChainCount count;
  for (double weight_decay : {0.0, 0.1})
    for (bool amsgrad : {false, true})
      for (bool maximize : {false, true}) {
        const AdamOptions o{.lr = 0.01,
                            .betas = {0.9, 0.999},
                            .eps = 1e-8,
                            .weight_decay = weight_decay,
                            .amsgrad = amsgrad,
                            .maximize = maximize};
        check_rule<Adam>(
            o,
            "Adam weight_decay=" + std::to_string(weight_decay) + " amsgrad=" + std::to_string(amsgrad) +
                " maximize=" + std::to_string(maximize),
            [](RefState& s, Vec& p, const Vec& g, int t, const AdamOptions& a) {
              adam_formula(s, p, g, t, a.lr, a.betas, a.eps, a.weight_decay, 1.0, a.amsgrad, a.maximize);
            },
            adam_chain, count);
      }
  print_count("Adam", count);
}

TEST(FusedSteps, AdamWEveryOptionCombination) {
  ChainCount count;
  for (double weight_decay : {0.0, 0.1})
    for (bool amsgrad : {false, true})
      for (bool maximize : {false, true}) {
        const AdamWOptions o{.lr = 0.01,
                             .betas = {0.8, 0.99},
                             .eps = 1e-6,
                             .weight_decay = weight_decay,
                             .amsgrad = amsgrad,
                             .maximize = maximize};
        check_rule<AdamW>(
            o,
            "AdamW weight_decay=" + std::to_string(weight_decay) + " amsgrad=" + std::to_string(amsgrad) +
                " maximize=" + std::to_string(maximize),
            [](RefState& s, Vec& p, const Vec& g, int t, const AdamWOptions& a) {
              adam_formula(s, p, g, t, a.lr, a.betas, a.eps, 0.0, 1 - a.lr * a.weight_decay, a.amsgrad, a.maximize);
            },
            adamw_chain, count);
      }
  print_count("AdamW", count);
}

TEST(FusedSteps, AdagradEveryOptionCombination) {
  ChainCount count;
  for (double lr_decay : {0.0, 0.05})
    for (double weight_decay : {0.0, 0.1})
      for (double initial : {0.0, 0.5})
        for (bool maximize : {false, true}) {
          const AdagradOptions o{.lr = 0.1,
                                 .lr_decay = lr_decay,
                                 .weight_decay = weight_decay,
                                 .initial_accumulator_value = initial,
                                 .eps = 1e-10,
                                 .maximize = maximize};
          check_rule<Adagrad>(
              o,
              "Adagrad lr_decay=" + std::to_string(lr_decay) + " weight_decay=" + std::to_string(weight_decay) +
                  " initial_accumulator_value=" + std::to_string(initial) + " maximize=" + std::to_string(maximize),
              adagrad_formula, adagrad_chain, count);
        }
  print_count("Adagrad", count);
}

TEST(FusedSteps, AdadeltaEveryOptionCombination) {
  ChainCount count;
  for (double weight_decay : {0.0, 0.1})
    for (bool maximize : {false, true}) {
      const AdadeltaOptions o{.lr = 1.0, .rho = 0.9, .eps = 1e-6, .weight_decay = weight_decay, .maximize = maximize};
      check_rule<Adadelta>(
          o, "Adadelta weight_decay=" + std::to_string(weight_decay) + " maximize=" + std::to_string(maximize),
          adadelta_formula, adadelta_chain, count);
    }
  print_count("Adadelta", count);
}

TEST(FusedSteps, RmspropEveryOptionCombination) {
  ChainCount count;
  for (double weight_decay : {0.0, 0.1})
    for (double momentum : {0.0, 0.9})
      for (bool centered : {false, true})
        for (bool maximize : {false, true}) {
          const RMSpropOptions o{.lr = 0.01,
                                 .alpha = 0.99,
                                 .eps = 1e-8,
                                 .weight_decay = weight_decay,
                                 .momentum = momentum,
                                 .centered = centered,
                                 .maximize = maximize};
          check_rule<RMSprop>(o,
                              "RMSprop weight_decay=" + std::to_string(weight_decay) +
                                  " momentum=" + std::to_string(momentum) + " centered=" + std::to_string(centered) +
                                  " maximize=" + std::to_string(maximize),
                              rmsprop_formula, rmsprop_chain, count);
        }
  print_count("RMSprop", count);
}

// Zeros of both signs, infinities, NaN, a float32 subnormal and ordinary values as gradients, three
// steps: each step as the chain computed it, element for element (NaN where it had NaN, the same sign
// of zero), against no formula; the elements of ordinary gradients (1e-40 is one in float64) within
// expect_as_chain's ulp, as in the tests above.
template <class Rule>
void expect_special_values_as_chain(const typename Rule::Options& o, const Chain<typename Rule::Options>& chain) {
  const Vec grads = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-40, 3.0, -0.5};
  for (const Dtype dtype : {Dtype::Float64, Dtype::Float32}) {
    SCOPED_TRACE(std::string(Rule::Options::kName) + " " + std::string(to_string(dtype)));
    const Shape shape{static_cast<std::int64_t>(grads.size())};
    Tensor p = from_vector(Vec{1.0, -0.0, 2.0, -2.0, 0.5, 1e-3, 0.0, -1.0}, shape, dtype).requires_grad_();
    Rule opt(std::vector<Tensor>{p}, o);
    // A special gradient stays one where no weight decay adds weight_decay * p to it (AdamW's decays p).
    const double smallest_normal = dtype == Dtype::Float32 ? 0x1p-126 : 0x1p-1022;
    const bool decay_in_gradient = o.weight_decay != 0 && !std::is_same_v<Rule, AdamW>;
    Vec p_before;
    auto special = [&](std::size_t i) {
      return (!(std::abs(grads[i]) >= smallest_normal) || std::isinf(grads[i])) &&
             (!decay_in_gradient || p_before[i] == 0);
    };
    auto expect_special_as_chain = [&](const Tensor& fused, const Tensor& chained, const std::string& what) {
      ChainCount all;
      expect_as_chain(fused, chained, what, all);
      const Vec a = fused.to_vector(), b = chained.to_vector();
      for (std::size_t i = 0; i < a.size(); ++i)
        if (special(i)) {
          EXPECT_TRUE(std::isnan(b[i]) ? std::isnan(a[i]) : (a[i] == b[i] && std::signbit(a[i]) == std::signbit(b[i])))
              << what << "[" << i << "] (gradient " << grads[i] << "): fused " << a[i] << ", chain " << b[i];
        }
    };
    for (int t = 1; t <= 3; ++t) {
      p.set_grad(from_vector(grads, shape, dtype));
      ParamState before;
      if (const ParamState* s = opt.state("0")) {
        before.step = s->step;
        for (const auto& [name, b] : s->buffers) before.buffers[name] = clone(b);
      }
      ++before.step;
      p_before = p.to_vector();
      const Tensor chain_p = clone(p);
      chain(chain_p, p.grad(), before, o);
      opt.step();
      expect_special_as_chain(p, chain_p, "p step " + std::to_string(t));
      for (const auto& [name, b] : before.buffers)
        expect_special_as_chain(opt.state("0")->buffers.at(name), b, name + " step " + std::to_string(t));
    }
  }
}

// Adam's float32 sweep runs with subnormals flushed to zero when eps makes them irrelevant to the
// update (simd_optim.cpp, subnormals_change_nothing): its chain is the same kernels in that mode.
void adam_chain_flushing(const Tensor& p, const Tensor& grad, ParamState& state, const AdamOptions& o) {
  const FlushDenormalGuard mode(p.dtype() == Dtype::Float32);
  adam_chain(p, grad, state, o);
}
void adamw_chain_flushing(const Tensor& p, const Tensor& grad, ParamState& state, const AdamWOptions& o) {
  const FlushDenormalGuard mode(p.dtype() == Dtype::Float32);
  adamw_chain(p, grad, state, o);
}

TEST(FusedSteps, SpecialValuesAsTheChain) {
  expect_special_values_as_chain<SGD>({.lr = 0.1, .momentum = 0.9, .nesterov = true}, sgd_chain);
  expect_special_values_as_chain<SGD>({.lr = 0.1, .momentum = 0.9, .dampening = 0.5, .weight_decay = 0.1}, sgd_chain);
  expect_special_values_as_chain<SGD>({.lr = 0.1, .maximize = true}, sgd_chain);
  expect_special_values_as_chain<Adam>({.lr = 0.01, .amsgrad = true}, adam_chain_flushing);
  expect_special_values_as_chain<Adam>({.lr = 0.01, .weight_decay = 0.1, .maximize = true}, adam_chain_flushing);
  expect_special_values_as_chain<Adam>({.lr = 0.01, .eps = 0.0}, adam_chain);  // eps 0: no flushing
  expect_special_values_as_chain<AdamW>({.lr = 0.01, .amsgrad = true}, adamw_chain_flushing);
  expect_special_values_as_chain<Adagrad>({.lr = 0.1, .weight_decay = 0.1}, adagrad_chain);
  expect_special_values_as_chain<Adadelta>({.maximize = true}, adadelta_chain);
  expect_special_values_as_chain<RMSprop>({.lr = 0.01, .momentum = 0.9, .centered = true}, rmsprop_chain);
  expect_special_values_as_chain<RMSprop>({.lr = 0.01, .weight_decay = 0.1}, rmsprop_chain);
}

// What the flushing changes, against the chain in the default mode: a first moment that decays below
// float's smallest normal number (2^-126) becomes zero instead of subnormal, and the parameter comes
// out bit for bit as the chain's. With eps = 0 nothing is flushed. The caller's mode is kept.
TEST(FusedSteps, AdamFloat32FlushesOnlySubnormalMoments) {
  const float m0 = 1.2e-38f, v0 = 1e-20f;  // 0.9 m0 is subnormal; v stays normal
  for (const double eps : {1e-8, 0.0}) {
    SCOPED_TRACE("eps " + std::to_string(eps));
    const Tensor p = from_vector(Vec{0.5}, Shape{1}, Dtype::Float32), g = zeros(Shape{1});
    const Tensor m = from_vector(Vec{m0}, Shape{1}, Dtype::Float32), v = from_vector(Vec{v0}, Shape{1}, Dtype::Float32);
    ParamState chain;
    chain.step = 1;
    chain.buffers["exp_avg"] = clone(m);
    chain.buffers["exp_avg_sq"] = clone(v);
    const Tensor chain_p = clone(p);
    adam_chain(chain_p, g, chain, {.lr = 0.01, .eps = eps});
    kernels::adam_step_(p, g, m, v, Tensor(),
                        {.beta1 = 0.9,
                         .beta2 = 0.999,
                         .eps = eps,
                         .step_size = 0.01 / (1 - 0.9),
                         .bias_correction2_sqrt = std::sqrt(1 - 0.999)});
    EXPECT_EQ(std::bit_cast<std::uint32_t>(p.data<float>()[0]), std::bit_cast<std::uint32_t>(chain_p.data<float>()[0]));
    const float chain_m = chain.buffers["exp_avg"].data<float>()[0];
    ASSERT_TRUE(chain_m > 0 && chain_m < 0x1p-126f);  // the chain's moment is subnormal
    EXPECT_EQ(m.data<float>()[0], eps > 0 ? 0.0f : chain_m);
    EXPECT_EQ(v.data<float>()[0], chain.buffers["exp_avg_sq"].data<float>()[0]);
    volatile float tiny = 0x1p-140f;
    EXPECT_GT(tiny * 1.0f, 0.0f);  // subnormals are back on after the step
  }
}

TEST(FusedSteps, KernelsRejectMismatchedBuffers) {
  const Tensor p = zeros(Shape{4}), g = zeros(Shape{4});
  EXPECT_THROW(kernels::adam_step_(p, g, zeros(Shape{4}), zeros(Shape{5}), Tensor(), {}), ShapeError);
  EXPECT_THROW(kernels::adam_step_(p, g, zeros(Shape{4}), zeros(Shape{4}, Dtype::Float64), Tensor(), {}), ValueError);
  EXPECT_THROW(kernels::adam_step_(p, g, zeros(Shape{4}), zeros(Shape{4}), Tensor(), {.amsgrad = true}), ValueError);
  EXPECT_THROW(kernels::sgd_step_(p, zeros(Shape{3}), Tensor(), {.lr = 0.1}), ShapeError);
  EXPECT_THROW(kernels::sgd_step_(p, g, Tensor(), {.lr = 0.1, .momentum = 0.9}), ValueError);
  EXPECT_THROW(kernels::rmsprop_step_(p, g, zeros(Shape{4}), Tensor(), Tensor(), {.centered = true}), ValueError);
  EXPECT_THROW(
      kernels::adagrad_step_(zeros(Shape{2, 2}).view_transposed(0, 1), zeros(Shape{2, 2}), zeros(Shape{2, 2}), {}),
      ValueError);
}

}  // namespace
}  // namespace descent::optim
