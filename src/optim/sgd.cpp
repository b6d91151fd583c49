#include "descent/optim/sgd.hpp"

#include <string>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::optim {

SGDOptions SGD::validated(SGDOptions o) {
  auto bad = [](const std::string& what) { throw ValueError("SGD: " + what); };
  if (!(o.lr >= 0)) bad("lr = " + std::to_string(o.lr) + ": expected lr >= 0");
  if (!(o.momentum >= 0)) bad("momentum = " + std::to_string(o.momentum) + ": expected momentum >= 0");
  if (!(o.weight_decay >= 0)) bad("weight_decay = " + std::to_string(o.weight_decay) + ": expected weight_decay >= 0");
  if (!(o.dampening >= 0 && o.dampening <= 1)) bad("dampening = " + std::to_string(o.dampening) + ": expected 0 <= dampening <= 1");
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0)) bad("nesterov needs momentum > 0 and dampening = 0");
  return o;
}

SGD::SGD(const std::vector<Tensor>& params, SGDOptions options)
    : Optimizer(params), options_(validated(options)), momentum_buffer_(params.size()) {}

SGD::SGD(NamedParameters params, SGDOptions options)
    : Optimizer(std::move(params)), options_(validated(options)), momentum_buffer_(named_parameters().size()) {}

void SGD::update(std::size_t i, const Tensor& p, const Tensor& grad) {
  const SGDOptions& o = options_;
  const double sign = o.maximize ? -1.0 : 1.0;
  if (o.momentum == 0 && o.weight_decay == 0) {  // plain SGD: one pass, p -= lr g
    kernels::add_(p, grad, -sign * o.lr);
    return;
  }
  Tensor g = kernels::affine(grad, sign, 0.0);
  if (o.weight_decay != 0) kernels::add_(g, p, o.weight_decay);
  if (o.momentum != 0) {
    Tensor& b = momentum_buffer_[i];
    if (!b.defined()) {
      b = g;
      g = kernels::affine(g, 1.0, 0.0);  // keep the buffer apart from g, which nesterov changes
    } else {
      kernels::mul_(b, o.momentum);
      kernels::add_(b, g, 1.0 - o.dampening);
    }
    if (o.nesterov) kernels::add_(g, b, o.momentum);
    else g = b;
  }
  kernels::add_(p, g, -o.lr);
}

}  // namespace descent::optim
