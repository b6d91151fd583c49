#include "float64_model.hpp"

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::diagnostics {

Float64Model::Float64Model(nn::Module& model) : model_(model) {
  const auto params = model.named_parameters();
  if (params.empty()) throw ValueError("model check: the model has no parameters");
  dtype_ = params.front().second.dtype();
  for (const auto& [name, p] : params) {
    if (p.dtype() != dtype_)
      throw ValueError("model check: parameter \"" + name + "\" is " + std::string(to_string(p.dtype())) + " and \"" +
                       params.front().first + "\" is " + std::string(to_string(dtype_)) +
                       "; the checks need one dtype throughout");
    Tensor copy = Tensor::empty(p.shape(), p.dtype());
    kernels::copy_(copy, p);
    saved_values_[name] = copy;
    saved_grads_.push_back(p.grad());
  }
  model_.to(Dtype::Float64);
  parameters_ = model_.named_parameters();
  generator_state_ = default_generator().state();
}

Float64Model::~Float64Model() {
  rewind_randomness();
  model_.to(dtype_);
  std::map<std::string, Tensor> state = model_.state_dict();
  for (auto& [name, value] : saved_values_) kernels::copy_(state.at(name), value);
  for (std::size_t i = 0; i < parameters_.size(); ++i) parameters_[i].second.set_grad(saved_grads_[i]);
}

void Float64Model::rewind_randomness() const { default_generator().set_state(generator_state_); }

double Float64Model::loss(const LossFn& loss_fn, const Tensor& inputs, const Tensor& targets) {
  NoGradGuard no_grad;
  rewind_randomness();
  return scalar_loss(loss_fn(model_(inputs), targets));
}

Tensor as_float64(const Tensor& t) {
  if (!is_floating(t.dtype()) || t.dtype() == Dtype::Float64) return t;
  return kernels::cast(t, Dtype::Float64);
}

double scalar_loss(const Tensor& loss) {
  if (!loss.defined() || loss.numel() != 1)
    throw ValueError(
        "model check: the loss must be a single number, got " +
        (loss.defined() ? "a tensor of shape " + to_string(loss.shape()) : std::string("an undefined tensor")));
  return loss.item();
}

}  // namespace descent::diagnostics
