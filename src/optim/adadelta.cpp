#include "descent/optim/adadelta.hpp"

#include "descent/tensor/kernels/optimizer_steps.hpp"

namespace descent::optim {
namespace {

constexpr std::array<std::string_view, 2> kAdadeltaBuffers = {"square_avg", "acc_delta"};
constexpr std::array<OptionField<AdadeltaOptions>, 5> kAdadeltaFields = {{
    field<&AdadeltaOptions::lr>("lr"),
    field<&AdadeltaOptions::rho>("rho"),
    field<&AdadeltaOptions::eps>("eps"),
    field<&AdadeltaOptions::weight_decay>("weight_decay"),
    field<&AdadeltaOptions::maximize>("maximize"),
}};

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
  kernels::adadelta_step_(
      p, grad, state.buffer("square_avg", p), state.buffer("acc_delta", p),
      {.lr = o.lr, .rho = o.rho, .eps = o.eps, .weight_decay = o.weight_decay, .maximize = o.maximize});
}

}  // namespace descent::optim
