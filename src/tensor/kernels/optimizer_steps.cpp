#include "descent/tensor/kernels/optimizer_steps.hpp"

#include <array>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "simd.hpp"

namespace descent::kernels {
namespace {

// Calls f(buffers) with the flat view of a parameter, its gradient (a contiguous copy if strided) and
// its state buffers, after checking that each is of the parameter's shape and dtype.
template <class F>
void with_step_buffers(const char* what, const Tensor& param, const Tensor& grad_in,
                       std::array<const Tensor*, 3> states, F&& f) {
  if (!param.defined() || !grad_in.defined()) throw ValueError(std::string(what) + ": undefined parameter or gradient");
  if (!param.is_contiguous()) throw ValueError(std::string(what) + ": the parameter must be contiguous");
  auto check = [&](const Tensor& t, const char* name) {
    if (t.dtype() != param.dtype())
      throw ValueError(std::string(what) + ": " + name + " has dtype " + std::string(to_string(t.dtype())) +
                       ", the parameter " + std::string(to_string(param.dtype())));
    if (!(t.shape() == param.shape()))
      throw ShapeError(std::string(what) + ": " + name + " has shape " + to_string(t.shape()) + ", the parameter " +
                       to_string(param.shape()));
  };
  check(grad_in, "the gradient");
  for (const Tensor* s : states)
    if (s->defined()) {
      check(*s, "a state buffer");
      if (!s->is_contiguous()) throw ValueError(std::string(what) + ": state buffers must be contiguous");
    }
  Tensor grad_keep;
  const Tensor& grad = contiguous_ref(grad_in, grad_keep);
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = decltype(tag);
    simd::StepBuffers<T> b;
    b.n = param.numel();
    b.param = param.data<T>();
    b.grad = grad.data<T>();
    for (std::size_t k = 0; k < states.size(); ++k) b.state[k] = states[k]->defined() ? states[k]->data<T>() : nullptr;
    f(b);
  });
}

}  // namespace

void sgd_step_(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer, const SgdStep& s) {
  const Tensor none;
  if (s.momentum != 0 && !momentum_buffer.defined()) throw ValueError("sgd_step_: momentum without a buffer");
  with_step_buffers("sgd_step_", param, grad, {&momentum_buffer, &none, &none},
                    [&](const auto& b) { simd::sgd_step(b, s); });
}

void adam_step_(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                const Tensor& max_exp_avg_sq, const AdamStep& s) {
  if (!exp_avg.defined() || !exp_avg_sq.defined() || (s.amsgrad && !max_exp_avg_sq.defined()))
    throw ValueError("adam_step_: a moment buffer is missing");
  with_step_buffers("adam_step_", param, grad, {&exp_avg, &exp_avg_sq, &max_exp_avg_sq},
                    [&](const auto& b) { simd::adam_step(b, s); });
}

void adagrad_step_(const Tensor& param, const Tensor& grad, const Tensor& sum, const AdagradStep& s) {
  const Tensor none;
  if (!sum.defined()) throw ValueError("adagrad_step_: the sum buffer is missing");
  with_step_buffers("adagrad_step_", param, grad, {&sum, &none, &none},
                    [&](const auto& b) { simd::adagrad_step(b, s); });
}

void adadelta_step_(const Tensor& param, const Tensor& grad, const Tensor& square_avg, const Tensor& acc_delta,
                    const AdadeltaStep& s) {
  const Tensor none;
  if (!square_avg.defined() || !acc_delta.defined()) throw ValueError("adadelta_step_: a buffer is missing");
  with_step_buffers("adadelta_step_", param, grad, {&square_avg, &acc_delta, &none},
                    [&](const auto& b) { simd::adadelta_step(b, s); });
}

void rmsprop_step_(const Tensor& param, const Tensor& grad, const Tensor& square_avg, const Tensor& grad_avg,
                   const Tensor& momentum_buffer, const RmspropStep& s) {
  if (!square_avg.defined() || (s.centered && !grad_avg.defined()) || (s.momentum > 0 && !momentum_buffer.defined()))
    throw ValueError("rmsprop_step_: a buffer is missing");
  with_step_buffers("rmsprop_step_", param, grad, {&square_avg, &grad_avg, &momentum_buffer},
                    [&](const auto& b) { simd::rmsprop_step(b, s); });
}

}  // namespace descent::kernels
