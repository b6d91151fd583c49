#include "descent/optim/adagrad.hpp"

#include "descent/tensor/kernels/optimizer_steps.hpp"

namespace descent::optim {
namespace {

constexpr std::array<std::string_view, 1> kAdagradBuffers = {"sum"};
constexpr std::array<OptionField<AdagradOptions>, 6> kAdagradFields = {{
    field<&AdagradOptions::lr>("lr"),
    field<&AdagradOptions::lr_decay>("lr_decay"),
    field<&AdagradOptions::weight_decay>("weight_decay"),
    field<&AdagradOptions::initial_accumulator_value>("initial_accumulator_value"),
    field<&AdagradOptions::eps>("eps"),
    field<&AdagradOptions::maximize>("maximize"),
}};

}  // namespace

std::span<const OptionField<AdagradOptions>> AdagradOptions::fields() { return kAdagradFields; }

void AdagradOptions::check() const {
  check_option(lr >= 0, kName, "lr", lr, "lr >= 0");
  check_option(lr_decay >= 0, kName, "lr_decay", lr_decay, "lr_decay >= 0");
  check_option(weight_decay >= 0, kName, "weight_decay", weight_decay, "weight_decay >= 0");
  check_option(initial_accumulator_value >= 0, kName, "initial_accumulator_value", initial_accumulator_value,
               "initial_accumulator_value >= 0");
  check_option(eps >= 0, kName, "eps", eps, "eps >= 0");
}

Adagrad::Adagrad(const std::vector<Tensor>& params, AdagradOptions options) { add_param_group(params, options); }
Adagrad::Adagrad(NamedParameters params, AdagradOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> Adagrad::buffer_names() const { return kAdagradBuffers; }

void Adagrad::update(const Tensor& p, const Tensor& grad, ParamState& state, const AdagradOptions& o) {
  const double clr = o.lr / (1 + static_cast<double>(state.step - 1) * o.lr_decay);
  kernels::adagrad_step_(p, grad, state.buffer("sum", p, o.initial_accumulator_value),
                         {.clr = clr, .eps = o.eps, .weight_decay = o.weight_decay, .maximize = o.maximize});
}

}  // namespace descent::optim
