#include "descent/optim/rmsprop.hpp"

#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::optim {
namespace {

constexpr std::array<std::string_view, 3> kRmspropBuffers = {"square_avg", "grad_avg", "momentum_buffer"};
constexpr std::array<OptionField<RMSpropOptions>, 7> kRmspropFields = {{
    field<&RMSpropOptions::lr>("lr"),
    field<&RMSpropOptions::alpha>("alpha"),
    field<&RMSpropOptions::eps>("eps"),
    field<&RMSpropOptions::weight_decay>("weight_decay"),
    field<&RMSpropOptions::momentum>("momentum"),
    field<&RMSpropOptions::centered>("centered"),
    field<&RMSpropOptions::maximize>("maximize"),
}};

}  // namespace

std::span<const OptionField<RMSpropOptions>> RMSpropOptions::fields() { return kRmspropFields; }

void RMSpropOptions::check() const {
  check_option(lr >= 0, kName, "lr", lr, "lr >= 0");
  check_option(alpha >= 0, kName, "alpha", alpha, "alpha >= 0");
  check_option(eps >= 0, kName, "eps", eps, "eps >= 0");
  check_option(weight_decay >= 0, kName, "weight_decay", weight_decay, "weight_decay >= 0");
  check_option(momentum >= 0, kName, "momentum", momentum, "momentum >= 0");
}

RMSprop::RMSprop(const std::vector<Tensor>& params, RMSpropOptions options) { add_param_group(params, options); }
RMSprop::RMSprop(NamedParameters params, RMSpropOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> RMSprop::buffer_names() const { return kRmspropBuffers; }

void RMSprop::update(const Tensor& p, const Tensor& grad, ParamState& state, const RMSpropOptions& o) {
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

}  // namespace descent::optim
