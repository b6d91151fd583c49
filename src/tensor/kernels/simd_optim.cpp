// The optimizers' fused updates (optimizer_steps.hpp) for AVX-512, AVX2 and baseline x86-64, picked
// at run time (see simd.hpp). Each rule is written once, on GCC vector registers, and the loop below
// runs it over the buffers: every element is loaded once, updated in registers and stored once.
//
// Rounding: each rule repeats, operation by operation, the chain of elementwise kernels it replaces
// (optimizer_steps.hpp). Two things would change results unless held here:
//  - GCC contracts a * b + c into one FMA wherever the target has FMA (C++ allows it; descent's flags
//    leave it on). The kernels the chain used for mul_, addcmul_, affine ... are baseline code, with
//    no FMA: their products are rounded before the sum. `rounded` keeps a product from contracting.
//  - add_ (simd::axpy) does get its FMA, on AVX2 and AVX-512: `axpy_lanes` writes y + a x so that it
//    contracts exactly where axpy's loop does.
// Vector values stay inside always-inlined functions (see simd.cpp).
#pragma GCC diagnostic ignored "-Wpsabi"

#include <cmath>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "simd.hpp"
#include "simd_register.hpp"

namespace descent::kernels::simd {
namespace {

// x, opaque to GCC's optimizer, which therefore neither fuses a product passed through here into the
// sum it feeds nor shares it with an equal product. Clang contracts only within one expression
// (-ffp-contract=on, its default), which the call ends: it needs no barrier (nor accepts a 64-byte
// operand outside an AVX-512 function).
template <class V>
__attribute__((always_inline)) inline V opaque(V x) {
#ifndef __clang__
  asm volatile("" : "+v"(x));
#endif
  return x;
}

// A product rounded on its own, as the baseline kernels of the chain rounded it.
template <class V>
__attribute__((always_inline)) inline V rounded(V x) {
  return opaque(x);
}

// y + a x as add_ rounds it: a x is a product of its own, which GCC contracts with the sum exactly
// where it contracts simd::axpy's: with FMA (AVX2, AVX-512) at -O2 and above.
template <class V, class T>
__attribute__((always_inline)) inline V axpy_lanes(V y, T a, V x) {
  return y + a * opaque(x);
}

// The square root of each lane, written per lane: GCC makes it one vector sqrt (-fno-math-errno), and
// an intrinsic would need the target attribute on every function here, rules included.
template <class V>
__attribute__((always_inline)) inline V lane_sqrt(V x) {
  V r;
  for (int k = 0; k < static_cast<int>(sizeof(V) / sizeof(x[0])); ++k) r[k] = std::sqrt(x[k]);
  return r;
}

// maximum_'s max(y, x): x where x > y or x is NaN. Two selects, kept apart: GCC 12 merged into one
// they go scalar with AVX-512.
template <class V>
__attribute__((always_inline)) inline V nan_max(V y, V x) {
  const V r = opaque(x > y ? x : y);
  return x != x ? x : r;
}

// Each rule is a template on Flags, the options that shape its loop, so that the loop holds no test
// of them: kReg, g is regularized (maximize or weight decay; else g is the gradient itself), kWd, with
// weight decay, and bits of the rule's own from kOwn up. With the tests in the loop, SGD's plain step
// ran at half the speed of add_'s.
constexpr unsigned kReg = 1, kWd = 2, kOwn = 4;

// The regularized_grad part of the flags, from the doubles as regularized_grad tests them.
constexpr unsigned grad_flags(bool maximize, double weight_decay) {
  return (maximize || weight_decay != 0 ? kReg : 0) | (weight_decay != 0 ? kWd : 0);
}
constexpr bool grad_flags_valid(unsigned flags) { return !(flags & kWd) || (flags & kReg); }

// regularized_grad's g: -g when maximizing, then + weight_decay p; affine's copy when either applies.
template <unsigned Flags, class V, class T>
__attribute__((always_inline)) inline V regularized(V g, V p, T sign, T weight_decay) {
  if constexpr (!(Flags & kReg)) return g;
  g = rounded(g * sign) + T(0);
  if constexpr ((Flags & kWd) != 0) g = axpy_lanes(g, weight_decay, p);
  return g;
}

// The state buffers a rule reads and writes, as bits of StepBuffers::state.
constexpr unsigned kState0 = 1, kState1 = 2, kState2 = 4;

// SGD (sgd.hpp). state: momentum_buffer. Flags 0 is the plain step p += alpha g (maximize folded into
// alpha's sign), as the plain step was add_ alone.
template <class T, unsigned Flags>
struct SgdLanes {
  static constexpr unsigned kMomentum = kOwn, kFirst = kOwn << 1, kNesterov = kOwn << 2, kBits = 5;
  static constexpr bool kValid = grad_flags_valid(Flags) &&
                                 ((Flags & (kFirst | kNesterov)) == 0 || (Flags & kMomentum)) &&
                                 (Flags == 0 || (Flags & (kMomentum | kWd)) != 0);
  static constexpr unsigned kStates = Flags & kMomentum ? kState0 : 0;
  static unsigned flags(const SgdStep& s) {
    if (s.momentum == 0 && s.weight_decay == 0) return 0;
    return grad_flags(s.maximize, s.weight_decay) |
           (s.momentum != 0 ? kMomentum | (s.first ? kFirst : 0) | (s.nesterov ? kNesterov : 0) : 0);
  }
  T sign, weight_decay, plain_alpha, momentum, undamped, neg_lr;
  explicit SgdLanes(const SgdStep& s)
      : sign(static_cast<T>(s.maximize ? -1.0 : 1.0)),
        weight_decay(static_cast<T>(s.weight_decay)),
        plain_alpha(static_cast<T>(s.maximize ? s.lr : -s.lr)),
        momentum(static_cast<T>(s.momentum)),
        undamped(static_cast<T>(1.0 - s.dampening)),
        neg_lr(static_cast<T>(-s.lr)) {}
  template <class V>
  __attribute__((always_inline)) void operator()(V& p, V g, V& b, V&, V&) const {
    if constexpr (Flags == 0) {
      p = axpy_lanes(p, plain_alpha, g);
    } else {
      g = regularized<Flags>(g, p, sign, weight_decay);
      if constexpr ((Flags & kMomentum) != 0) {
        if constexpr ((Flags & kFirst) != 0) b = g + T(0);
        else b = axpy_lanes(rounded(b * momentum), undamped, g);
        // nesterov's g + momentum b, on a copy of g unless g is one already
        if constexpr ((Flags & kNesterov) != 0) g = axpy_lanes((Flags & kReg) ? g : g + T(0), momentum, b);
        else g = b;
      }
      p = axpy_lanes(p, neg_lr, g);
    }
  }
};

// Adam and AdamW (adam.hpp, adamw.hpp). state: exp_avg, exp_avg_sq, max_exp_avg_sq. AdamW's decay
// multiplies p always: Adam's 1 leaves every value as it is.
template <class T, unsigned Flags>
struct AdamLanes {
  static constexpr unsigned kAmsgrad = kOwn, kBits = 3;
  static constexpr bool kValid = grad_flags_valid(Flags);
  static constexpr unsigned kStates = kState0 | kState1 | (Flags & kAmsgrad ? kState2 : 0);
  static unsigned flags(const AdamStep& s) {
    return grad_flags(s.maximize, s.weight_decay) | (s.amsgrad ? kAmsgrad : 0);
  }
  T sign, weight_decay, decay, beta1, one_minus_beta1, beta2, one_minus_beta2, inv_bias_correction2_sqrt, eps,
      neg_step_size;
  explicit AdamLanes(const AdamStep& s)
      : sign(static_cast<T>(s.maximize ? -1.0 : 1.0)),
        weight_decay(static_cast<T>(s.weight_decay)),
        decay(static_cast<T>(s.decay)),
        beta1(static_cast<T>(s.beta1)),
        one_minus_beta1(static_cast<T>(1 - s.beta1)),
        beta2(static_cast<T>(s.beta2)),
        one_minus_beta2(static_cast<T>(1 - s.beta2)),
        inv_bias_correction2_sqrt(static_cast<T>(1 / s.bias_correction2_sqrt)),
        eps(static_cast<T>(s.eps)),
        neg_step_size(static_cast<T>(-s.step_size)) {}
  template <class V>
  __attribute__((always_inline)) void operator()(V& p, V g, V& m, V& v, V& vmax) const {
    p = rounded(p * decay);
    g = regularized<Flags>(g, p, sign, weight_decay);
    m = axpy_lanes(rounded(m * beta1), one_minus_beta1, g);
    v = rounded(v * beta2) + rounded(one_minus_beta2 * g * g);
    V second = v;
    if constexpr ((Flags & kAmsgrad) != 0) second = vmax = nan_max(vmax, v);
    // sqrt(v) / sqrt(1 - beta2^t) as a product with the reciprocal, rounded once per step in double: within
    // an ulp of the quotient, and one division less per element. Division and square root share one
    // unit, which bounded the pass: W1's Adam update took 5.3 us a step beyond SGD's, and 4.2 after.
    const V denom = rounded(lane_sqrt(second) * inv_bias_correction2_sqrt) + eps;
    p = p + neg_step_size * m / denom;
  }
};

// Adagrad (adagrad.hpp). state: sum.
template <class T, unsigned Flags>
struct AdagradLanes {
  static constexpr unsigned kBits = 2;
  static constexpr bool kValid = grad_flags_valid(Flags);
  static constexpr unsigned kStates = kState0;
  static unsigned flags(const AdagradStep& s) { return grad_flags(s.maximize, s.weight_decay); }
  T sign, weight_decay, eps, neg_clr;
  explicit AdagradLanes(const AdagradStep& s)
      : sign(static_cast<T>(s.maximize ? -1.0 : 1.0)),
        weight_decay(static_cast<T>(s.weight_decay)),
        eps(static_cast<T>(s.eps)),
        neg_clr(static_cast<T>(-s.clr)) {}
  template <class V>
  __attribute__((always_inline)) void operator()(V& p, V g, V& sum, V&, V&) const {
    g = regularized<Flags>(g, p, sign, weight_decay);
    sum = sum + rounded(g * g);
    p = p + neg_clr * g / (lane_sqrt(sum) + eps);
  }
};

// Adadelta (adadelta.hpp). state: square_avg, acc_delta.
template <class T, unsigned Flags>
struct AdadeltaLanes {
  static constexpr unsigned kBits = 2;
  static constexpr bool kValid = grad_flags_valid(Flags);
  static constexpr unsigned kStates = kState0 | kState1;
  static unsigned flags(const AdadeltaStep& s) { return grad_flags(s.maximize, s.weight_decay); }
  T sign, weight_decay, rho, one_minus_rho, eps, neg_lr;
  explicit AdadeltaLanes(const AdadeltaStep& s)
      : sign(static_cast<T>(s.maximize ? -1.0 : 1.0)),
        weight_decay(static_cast<T>(s.weight_decay)),
        rho(static_cast<T>(s.rho)),
        one_minus_rho(static_cast<T>(1 - s.rho)),
        eps(static_cast<T>(s.eps)),
        neg_lr(static_cast<T>(-s.lr)) {}
  template <class V>
  __attribute__((always_inline)) void operator()(V& p, V g, V& v, V& u, V&) const {
    g = regularized<Flags>(g, p, sign, weight_decay);
    v = rounded(v * rho) + rounded(one_minus_rho * g * g);
    const V d = lane_sqrt(u + eps) / lane_sqrt(v + eps) * g;
    u = rounded(u * rho) + rounded(one_minus_rho * d * d);
    p = axpy_lanes(p, neg_lr, d);
  }
};

// RMSprop (rmsprop.hpp). state: square_avg, grad_avg (centered), momentum_buffer (momentum > 0).
template <class T, unsigned Flags>
struct RmspropLanes {
  static constexpr unsigned kCentered = kOwn, kMomentum = kOwn << 1, kBits = 4;
  static constexpr bool kValid = grad_flags_valid(Flags);
  static constexpr unsigned kStates = kState0 | (Flags & kCentered ? kState1 : 0) | (Flags & kMomentum ? kState2 : 0);
  static unsigned flags(const RmspropStep& s) {
    return grad_flags(s.maximize, s.weight_decay) | (s.centered ? kCentered : 0) | (s.momentum > 0 ? kMomentum : 0);
  }
  T sign, weight_decay, alpha, one_minus_alpha, eps, momentum, neg_lr;
  explicit RmspropLanes(const RmspropStep& s)
      : sign(static_cast<T>(s.maximize ? -1.0 : 1.0)),
        weight_decay(static_cast<T>(s.weight_decay)),
        alpha(static_cast<T>(s.alpha)),
        one_minus_alpha(static_cast<T>(1 - s.alpha)),
        eps(static_cast<T>(s.eps)),
        momentum(static_cast<T>(s.momentum)),
        neg_lr(static_cast<T>(-s.lr)) {}
  template <class V>
  __attribute__((always_inline)) void operator()(V& p, V g, V& v, V& m, V& b) const {
    g = regularized<Flags>(g, p, sign, weight_decay);
    v = rounded(v * alpha) + rounded(one_minus_alpha * g * g);
    V d = v + T(0);
    if constexpr ((Flags & kCentered) != 0) {  // v - m^2, as addcmul_ with value -1
      m = axpy_lanes(rounded(m * alpha), one_minus_alpha, g);
      d = d + rounded(T(-1) * m * m);
    }
    d = lane_sqrt(d) + eps;
    if constexpr ((Flags & kMomentum) != 0) {
      b = rounded(b * momentum) + g / d;
      p = axpy_lanes(p, neg_lr, b);
    } else {
      p = p + neg_lr * g / d;
    }
  }
};

// One register's worth of elements at p, g and the rule's states.
template <class T, int Bytes, class Rule>
__attribute__((always_inline)) inline void step_lanes(const Rule& rule, T* p, const T* g, T* s0, T* s1, T* s2) {
  using R = Simd<T, Bytes>;
  constexpr unsigned used = Rule::kStates;
  typename R::type vp = R::load(p), vg = R::load(g), v0{}, v1{}, v2{};
  if constexpr ((used & kState0) != 0) v0 = R::load(s0);
  if constexpr ((used & kState1) != 0) v1 = R::load(s1);
  if constexpr ((used & kState2) != 0) v2 = R::load(s2);
  rule(vp, vg, v0, v1, v2);
  R::store(p, vp);
  if constexpr ((used & kState0) != 0) R::store(s0, v0);
  if constexpr ((used & kState1) != 0) R::store(s1, v1);
  if constexpr ((used & kState2) != 0) R::store(s2, v2);
}

// The rule over all n elements: whole registers, then the last n % lanes through a copy padded with
// ones, so that every element goes through the same vector code (and W1's 10-element bias is one
// register, not ten scalar updates).
template <class T, int Bytes, class Rule>
__attribute__((always_inline)) inline void sweep_lanes(const StepBuffers<T>& buffers, const Rule& rule_in) {
  // Copies of the rule's scalars and of the pointers: the stores below may alias what a reference
  // points to, and GCC would reload every scalar and pointer at every register (Adam took twice as long).
  const Rule rule = rule_in;
  T* const p = buffers.param;
  const T* const g = buffers.grad;
  T* const s0 = buffers.state[0];
  T* const s1 = buffers.state[1];
  T* const s2 = buffers.state[2];
  const std::int64_t n = buffers.n;
  constexpr int L = Simd<T, Bytes>::lanes;
  constexpr unsigned used = Rule::kStates;
  const std::int64_t full = n - n % L;
  for (std::int64_t i = 0; i < full; i += L)
    step_lanes<T, Bytes>(rule, p + i, g + i, used & kState0 ? s0 + i : nullptr, used & kState1 ? s1 + i : nullptr,
                         used & kState2 ? s2 + i : nullptr);
  if (full == n) return;
  const std::size_t bytes = static_cast<std::size_t>(n - full) * sizeof(T);
  T pad[5][L];
  for (auto& row : pad)
    for (T& x : row) x = T(1);
  T* const from[5] = {p, const_cast<T*>(g), used & kState0 ? s0 : nullptr, used & kState1 ? s1 : nullptr,
                      used & kState2 ? s2 : nullptr};
  for (int k = 0; k < 5; ++k)
    if (from[k]) std::memcpy(pad[k], from[k] + full, bytes);
  step_lanes<T, Bytes>(rule, pad[0], pad[1], pad[2], pad[3], pad[4]);
  for (int k = 0; k < 5; ++k)
    if (from[k] && k != 1) std::memcpy(from[k] + full, pad[k], bytes);  // never the gradient
}

template <class T, class Rule>
__attribute__((target("avx512f,avx512vl,fma"))) void sweep_avx512(const StepBuffers<T>& a, const Rule& rule) {
  sweep_lanes<T, 64>(a, rule);
}
template <class T, class Rule>
__attribute__((target("avx2,fma"))) void sweep_avx2(const StepBuffers<T>& a, const Rule& rule) {
  sweep_lanes<T, 32>(a, rule);
}
template <class T, class Rule>
void sweep_sse2(const StepBuffers<T>& a, const Rule& rule) {
  sweep_lanes<T, 16>(a, rule);
}

template <class T, class Rule>
void sweep_isa(const StepBuffers<T>& a, const Rule& rule) {
  switch (isa()) {
    case Isa::Avx512: return sweep_avx512(a, rule);
    case Isa::Avx2: return sweep_avx2(a, rule);
    case Isa::Sse2: return sweep_sse2(a, rule);
  }
}

// Rule<T, F> for the step's flags F: a search over the valid flags, each compiled once.
template <template <class, unsigned> class Rule, class T, class Step, unsigned F = 0>
void sweep_flags(const StepBuffers<T>& a, const Step& s, unsigned flags) {
  if constexpr (F < (1u << Rule<T, 0>::kBits)) {
    if constexpr (Rule<T, F>::kValid)
      if (flags == F) return sweep_isa(a, Rule<T, F>(s));
    sweep_flags<Rule, T, Step, F + 1>(a, s, flags);
  }
}

template <template <class, unsigned> class Rule, class T, class Step>
void sweep_rule(const StepBuffers<T>& a, const Step& s) {
  sweep_flags<Rule>(a, s, Rule<T, 0>::flags(s));
}

// Adam's moments decay geometrically wherever a gradient is mostly zero (MNIST's edge pixels): within
// a few hundred steps exp_avg falls below float's smallest normal number, 2^-126, where each operation
// takes a slow microcode path on x86 (W1's Adam step ran at 0.6x its speed). The sweep therefore runs
// with subnormals flushed to zero (MXCSR's FTZ and DAZ) when eps makes them irrelevant to the update:
//  - v: sqrt(v) / bias_correction2_sqrt of a v below 2^-126 stays under half an ulp of eps, so the
//    denominator rounds as before (or, rarely, one ulp apart, when a flushed term moved a normal v);
//  - m: a flushed m moves p by under 2^-126 lr / (bias_correction1 eps), below an ulp of any parameter
//    above about 1e-20 for lr <= 1, beta1 <= 0.9 and eps >= 1e-10.
// A moment or parameter that is itself subnormal becomes zero. Float32 only: double's subnormals
// (below 2.2e-308) take hundreds of thousands of steps to reach.
bool subnormals_change_nothing(const AdamStep& s) {
  return s.eps * s.bias_correction2_sqrt > 0x1p-38 && s.eps >= 1e-10;
}

// FTZ and DAZ on for a scope, then the caller's mode back.
class SubnormalMoments {
 public:
  explicit SubnormalMoments(bool on) {
#if defined(__x86_64__)
    if (!on) return;
    before_ = _mm_getcsr();
    _mm_setcsr(before_ | (1u << 15) | (1u << 6));
    set_ = true;
#else
    (void)on;
#endif
  }
  ~SubnormalMoments() {
#if defined(__x86_64__)
    if (set_) _mm_setcsr(before_);
#endif
  }
  SubnormalMoments(const SubnormalMoments&) = delete;
  SubnormalMoments& operator=(const SubnormalMoments&) = delete;

 private:
  unsigned before_ = 0;
  bool set_ = false;
};

}  // namespace

template <class T>
void sgd_step(const StepBuffers<T>& b, const SgdStep& s) {
  sweep_rule<SgdLanes>(b, s);
}
template <class T>
void adam_step(const StepBuffers<T>& b, const AdamStep& s) {
  const SubnormalMoments flush(std::is_same_v<T, float> && subnormals_change_nothing(s));
  sweep_rule<AdamLanes>(b, s);
}
template <class T>
void adagrad_step(const StepBuffers<T>& b, const AdagradStep& s) {
  sweep_rule<AdagradLanes>(b, s);
}
template <class T>
void adadelta_step(const StepBuffers<T>& b, const AdadeltaStep& s) {
  sweep_rule<AdadeltaLanes>(b, s);
}
template <class T>
void rmsprop_step(const StepBuffers<T>& b, const RmspropStep& s) {
  sweep_rule<RmspropLanes>(b, s);
}

template void sgd_step<float>(const StepBuffers<float>&, const SgdStep&);
template void sgd_step<double>(const StepBuffers<double>&, const SgdStep&);
template void adam_step<float>(const StepBuffers<float>&, const AdamStep&);
template void adam_step<double>(const StepBuffers<double>&, const AdamStep&);
template void adagrad_step<float>(const StepBuffers<float>&, const AdagradStep&);
template void adagrad_step<double>(const StepBuffers<double>&, const AdagradStep&);
template void adadelta_step<float>(const StepBuffers<float>&, const AdadeltaStep&);
template void adadelta_step<double>(const StepBuffers<double>&, const AdadeltaStep&);
template void rmsprop_step<float>(const StepBuffers<float>&, const RmspropStep&);
template void rmsprop_step<double>(const StepBuffers<double>&, const RmspropStep&);

}  // namespace descent::kernels::simd
