#include "descent/optim/rmsprop.hpp"

#include "descent/tensor/kernels/optimizer_steps.hpp"

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
  kernels::rmsprop_step_(p, grad, state.buffer("square_avg", p), o.centered ? state.buffer("grad_avg", p) : Tensor(),
                         o.momentum > 0 ? state.buffer("momentum_buffer", p) : Tensor(),
                         {.lr = o.lr,
                          .alpha = o.alpha,
                          .eps = o.eps,
                          .weight_decay = o.weight_decay,
                          .momentum = o.momentum,
                          .centered = o.centered,
                          .maximize = o.maximize});
}

}  // namespace descent::optim
