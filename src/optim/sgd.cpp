#include "descent/optim/sgd.hpp"

#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::optim {
namespace {

constexpr std::array<std::string_view, 1> kSgdBuffers = {"momentum_buffer"};
constexpr std::array<OptionField<SGDOptions>, 6> kSgdFields = {{
    field<&SGDOptions::lr>("lr"),
    field<&SGDOptions::momentum>("momentum"),
    field<&SGDOptions::dampening>("dampening"),
    field<&SGDOptions::weight_decay>("weight_decay"),
    field<&SGDOptions::nesterov>("nesterov"),
    field<&SGDOptions::maximize>("maximize"),
}};

}  // namespace

std::span<const OptionField<SGDOptions>> SGDOptions::fields() { return kSgdFields; }

void SGDOptions::check() const {
  check_option(lr >= 0, kName, "lr", lr, "lr >= 0");
  check_option(momentum >= 0, kName, "momentum", momentum, "momentum >= 0");
  check_option(dampening >= 0 && dampening <= 1, kName, "dampening", dampening, "0 <= dampening <= 1");
  check_option(weight_decay >= 0, kName, "weight_decay", weight_decay, "weight_decay >= 0");
  if (nesterov && (momentum <= 0 || dampening != 0))
    reject_option(kName, "nesterov", "true",
                  "nesterov = true only with momentum > 0 and dampening = 0 (got momentum = " +
                      format_number(momentum) + ", dampening = " + format_number(dampening) + ")");
}

SGD::SGD(const std::vector<Tensor>& params, SGDOptions options) { add_param_group(params, options); }
SGD::SGD(NamedParameters params, SGDOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> SGD::buffer_names() const { return kSgdBuffers; }

void SGD::update(const Tensor& p, const Tensor& grad, ParamState& state, const SGDOptions& o) {
  if (o.momentum == 0 && o.weight_decay == 0) {  // plain SGD: one pass, p -= lr g
    kernels::add_(p, grad, o.maximize ? o.lr : -o.lr);
    return;
  }
  Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  if (o.momentum != 0) {
    Tensor& b = state.buffers["momentum_buffer"];
    if (!b.defined()) {
      b = kernels::affine(g, 1.0, 0.0);  // a copy: nesterov changes g below
    } else {
      kernels::mul_(b, o.momentum);
      kernels::add_(b, g, 1.0 - o.dampening);
    }
    if (o.nesterov) {
      if (g.same(grad)) g = kernels::affine(grad, 1.0, 0.0);  // never write into the gradient
      kernels::add_(g, b, o.momentum);
    } else {
      g = b;
    }
  }
  kernels::add_(p, g, -o.lr);
}

}  // namespace descent::optim
