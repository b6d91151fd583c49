#include "descent/optim/adadelta.hpp"

#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::optim {
namespace {

using kernels::BinaryOp;

constexpr std::array<std::string_view, 2> kAdadeltaBuffers = {"square_avg", "acc_delta"};
constexpr std::array<OptionField<AdadeltaOptions>, 5> kAdadeltaFields = {{
    field<&AdadeltaOptions::lr>("lr"),
    field<&AdadeltaOptions::rho>("rho"),
    field<&AdadeltaOptions::eps>("eps"),
    field<&AdadeltaOptions::weight_decay>("weight_decay"),
    field<&AdadeltaOptions::maximize>("maximize"),
}};

// sqrt(x + eps) as a new tensor.
Tensor rms(const Tensor& x, double eps) {
  Tensor r = kernels::affine(x, 1.0, eps);
  kernels::sqrt_(r);
  return r;
}

}  // namespace

std::span<const OptionField<AdadeltaOptions>> AdadeltaOptions::fields() { return kAdadeltaFields; }

void AdadeltaOptions::check() const {
  check_option(lr >= 0, kName, "lr", lr, "lr >= 0");
  check_option(rho >= 0 && rho <= 1, kName, "rho", rho, "0 <= rho <= 1");
  check_option(eps >= 0, kName, "eps", eps, "eps >= 0");
  check_option(weight_decay >= 0, kName, "weight_decay", weight_decay, "weight_decay >= 0");
}

Adadelta::Adadelta(const std::vector<Tensor>& params, AdadeltaOptions options) { add_param_group(params, options); }
Adadelta::Adadelta(NamedParameters params, AdadeltaOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> Adadelta::buffer_names() const { return kAdadeltaBuffers; }

void Adadelta::update(const Tensor& p, const Tensor& grad, ParamState& state, const AdadeltaOptions& o) {
  const Tensor g = regularized_grad(grad, p, o.maximize, o.weight_decay);
  Tensor& v = state.buffer("square_avg", p);
  Tensor& u = state.buffer("acc_delta", p);
  kernels::mul_(v, o.rho);
  kernels::addcmul_(v, g, g, 1 - o.rho);
  const Tensor d = kernels::binary(BinaryOp::Mul, kernels::binary(BinaryOp::Div, rms(u, o.eps), rms(v, o.eps)), g);
  kernels::mul_(u, o.rho);
  kernels::addcmul_(u, d, d, 1 - o.rho);
  kernels::add_(p, d, -o.lr);
}

}  // namespace descent::optim
