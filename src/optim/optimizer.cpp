#include "descent/optim/optimizer.hpp"

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::optim {
namespace {

NamedParameters name_by_position(const std::vector<Tensor>& params) {
  NamedParameters out;
  for (std::size_t i = 0; i < params.size(); ++i) out.emplace_back(std::to_string(i), params[i]);
  return out;
}

}  // namespace

Optimizer::Optimizer(const std::vector<Tensor>& params) : Optimizer(name_by_position(params)) {}

Optimizer::Optimizer(NamedParameters params) : params_(std::move(params)) {
  for (const auto& [name, p] : params_) {
    if (!p.defined()) throw ValueError("optimizer: parameter \"" + name + "\" is an undefined tensor");
    if (!p.is_leaf() || !p.requires_grad())
      throw ValueError("optimizer: parameter \"" + name + "\" must be a leaf tensor that requires grad");
    if (!p.is_contiguous()) throw ValueError("optimizer: parameter \"" + name + "\" must be contiguous");
  }
}

void Optimizer::step() {
  NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i].second;
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    update(i, p, g);
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& [name, p] : params_) {
    if (set_to_none) p.set_grad(Tensor());
    else if (p.grad().defined()) fill_(p.grad(), 0.0);
  }
}

}  // namespace descent::optim
