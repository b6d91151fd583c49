// The autograd members of Tensor, declared in tensor.hpp and defined here so that the tensor layer
// itself stays free of gradients.
#include "descent/autograd/engine.hpp"
#include "descent/autograd/node.hpp"
#include "descent/tensor/pool_allocator.hpp"

namespace descent {

bool Tensor::requires_grad() const { return impl_ && impl_->autograd && impl_->autograd->requires_grad; }

Tensor& Tensor::requires_grad_(bool value) {
  if (!is_leaf())
    throw AutogradError("requires_grad_: can only change the flag of a leaf tensor; use detach() to make a new leaf");
  if (value && !is_floating(dtype()))
    throw AutogradError("requires_grad_: only float32 and float64 tensors can require gradients, not " +
                        std::string(to_string(dtype())));
  if (!impl_->autograd) impl_->autograd = make_pooled<AutogradMeta>();
  impl_->autograd->requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const { return impl_ && impl_->autograd ? impl_->autograd->grad : Tensor(); }

void Tensor::set_grad(const Tensor& g) const {
  if (!impl_->autograd) impl_->autograd = make_pooled<AutogradMeta>();
  impl_->autograd->grad = g;
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) const { run_backward(*this, gradient, retain_graph); }

Tensor Tensor::detach() const {
  auto impl = make_pooled<TensorImpl>(*impl_);
  impl->autograd = nullptr;
  return Tensor(std::move(impl));
}

bool Tensor::is_leaf() const { return !impl_->autograd || !impl_->autograd->grad_fn; }

}  // namespace descent
