#include "descent/optim/adamw.hpp"

#include <array>

namespace descent::optim {
namespace {

constexpr std::array<OptionField<AdamWOptions>, 6> kAdamwFields = {{
    field<&AdamWOptions::lr>("lr"),
    field<&AdamWOptions::betas>("betas"),
    field<&AdamWOptions::eps>("eps"),
    field<&AdamWOptions::weight_decay>("weight_decay"),
    field<&AdamWOptions::amsgrad>("amsgrad"),
    field<&AdamWOptions::maximize>("maximize"),
}};

}  // namespace

std::span<const OptionField<AdamWOptions>> AdamWOptions::fields() { return kAdamwFields; }

void AdamWOptions::check() const { detail::check_adam_options(kName, lr, betas, eps, weight_decay); }

AdamW::AdamW(const std::vector<Tensor>& params, AdamWOptions options) { add_param_group(params, options); }
AdamW::AdamW(NamedParameters params, AdamWOptions options) { add_param_group(std::move(params), options); }

std::span<const std::string_view> AdamW::buffer_names() const { return detail::kAdamBuffers; }

void AdamW::update(const Tensor& p, const Tensor& grad, ParamState& state, const AdamWOptions& o) {
  // the decoupled decay multiplies p before the step; no L2 term in the gradient
  detail::adam_step(p, grad, state,
                    {.lr = o.lr,
                     .betas = o.betas,
                     .eps = o.eps,
                     .weight_decay = 0,
                     .decay = 1 - o.lr * o.weight_decay,
                     .amsgrad = o.amsgrad,
                     .maximize = o.maximize});
}

}  // namespace descent::optim
