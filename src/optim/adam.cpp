#include "descent/optim/adam.hpp"

#include <cmath>

#include "descent/tensor/kernels/optimizer_steps.hpp"

namespace descent::optim {
namespace {

constexpr std::array<OptionField<AdamOptions>, 6> kAdamFields = {{
    field<&AdamOptions::lr>("lr"),
    field<&AdamOptions::betas>("betas"),
    field<&AdamOptions::eps>("eps"),
    field<&AdamOptions::weight_decay>("weight_decay"),
    field<&AdamOptions::amsgrad>("amsgrad"),
    field<&AdamOptions::maximize>("maximize"),
}};

}  // namespace

namespace detail {

const std::array<std::string_view, 3> kAdamBuffers = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};

void check_adam_options(std::string_view owner, double lr, Betas betas, double eps, double weight_decay) {
  check_option(lr >= 0, owner, "lr", lr, "lr >= 0");
  check_option(eps >= 0, owner, "eps", eps, "eps >= 0");
  check_option(betas.first >= 0 && betas.first < 1, owner, "betas[0]", betas.first, "0 <= beta < 1");
  check_option(betas.second >= 0 && betas.second < 1, owner, "betas[1]", betas.second, "0 <= beta < 1");
  check_option(weight_decay >= 0, owner, "weight_decay", weight_decay, "weight_decay >= 0");
}

void adam_step(const Tensor& p, const Tensor& grad, ParamState& state, const AdamStepOptions& o) {
  const auto [beta1, beta2] = o.betas;
  const double t = static_cast<double>(state.step);
  kernels::adam_step_(p, grad, state.buffer("exp_avg", p), state.buffer("exp_avg_sq", p),
                      o.amsgrad ? state.buffer("max_exp_avg_sq", p) : Tensor(),
                      {.beta1 = beta1,
                       .beta2 = beta2,
                       .eps = o.eps,
                       .weight_decay = o.weight_decay,
                       .decay = o.decay,
                       .step_size = o.lr / (1 - std::pow(beta1, t)),
                       .bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, t)),
                       .amsgrad = o.amsgrad,
                       .maximize = o.maximize});
}

}  // namespace detail

std::span<const OptionField<AdamOptions>> AdamOptions::fields() { return kAdamFields; }

void AdamOptions::check() const { detail::check_adam_options(kName, lr, betas, eps, weight_decay); }

Adam::Adam(const std::vector<Tensor>& params, AdamOptions options) { add_param_group(params, options); }
Adam::Adam(NamedParameters params, AdamOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> Adam::buffer_names() const { return detail::kAdamBuffers; }

void Adam::update(const Tensor& p, const Tensor& grad, ParamState& state, const AdamOptions& o) {
  detail::adam_step(p, grad, state,
                    {.lr = o.lr,
                     .betas = o.betas,
                     .eps = o.eps,
                     .weight_decay = o.weight_decay,
                     .decay = 1,
                     .amsgrad = o.amsgrad,
                     .maximize = o.maximize});
}

}  // namespace descent::optim
