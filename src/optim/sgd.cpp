#include "descent/optim/sgd.hpp"

#include "descent/tensor/kernels/optimizer_steps.hpp"

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

// Without momentum or weight decay the rule is p <- p - lr g (maximize: + lr g), as sgd_step_ makes it.
std::optional<double> SGD::plain_rate_of(std::size_t group) const {
  const SGDOptions& o = options(group);
  if (o.momentum != 0 || o.weight_decay != 0) return std::nullopt;
  return o.maximize ? o.lr : -o.lr;
}

void SGD::update(const Tensor& p, const Tensor& grad, ParamState& state, const SGDOptions& o) {
  Tensor buffer;
  bool first = false;
  if (o.momentum != 0) {
    const auto it = state.buffers.find("momentum_buffer");
    first = it == state.buffers.end() || !it->second.defined();
    buffer = state.buffer("momentum_buffer", p);
  }
  kernels::sgd_step_(p, grad, buffer,
                     {.lr = o.lr,
                      .momentum = o.momentum,
                      .dampening = o.dampening,
                      .weight_decay = o.weight_decay,
                      .nesterov = o.nesterov,
                      .maximize = o.maximize,
                      .first = first});
}

}  // namespace descent::optim
