#include "descent/autograd/ops/activation.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/activation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/softmax.hpp"

namespace descent {

using kernels::UnaryOp;

Tensor sigmoid(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Sigmoid, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx s(x) = s(1 - s)
  return record(out, "sigmoid", {&a},
                [s = out.detach()](const Tensor& g) { return Grads{kernels::sigmoid_backward(g, s)}; });
}

Tensor tanh(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Tanh, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx tanh x = 1 - tanh^2 x
  return record(out, "tanh", {&a}, [t = out.detach()](const Tensor& g) { return Grads{kernels::tanh_backward(g, t)}; });
}

Tensor relu(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Relu, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx max(x, 0) = [x > 0]
  return record(out, "relu", {&a}, [x = a](const Tensor& g) { return Grads{kernels::relu_backward(g, x)}; });
}

Tensor clamp(const Tensor& a, double min, double max) {
  Tensor out = kernels::clamp(a, min, max);
  if (!any_requires_grad({&a})) return out;
  // d/dx clamp(x, min, max) = [min <= x <= max]
  return record(out, "clamp", {&a},
                [x = a, min, max](const Tensor& g) { return Grads{kernels::clamp_backward(g, x, min, max)}; });
}

Tensor leaky_relu(const Tensor& a, double negative_slope) {
  Tensor out = kernels::leaky_relu(a, negative_slope);
  if (!any_requires_grad({&a})) return out;
  // d/dx = x > 0 ? 1 : negative_slope
  return record(out, "leaky_relu", {&a}, [x = a, negative_slope](const Tensor& g) {
    return Grads{kernels::leaky_relu_backward(g, x, negative_slope)};
  });
}

Tensor elu(const Tensor& a, double alpha) {
  Tensor out = kernels::elu(a, alpha);
  if (!any_requires_grad({&a})) return out;
  // d/dx = x > 0 ? 1 : alpha e^x
  return record(out, "elu", {&a},
                [x = a, alpha](const Tensor& g) { return Grads{kernels::elu_backward(g, x, alpha)}; });
}

Tensor gelu(const Tensor& a) {
  Tensor out = kernels::gelu(a);
  if (!any_requires_grad({&a})) return out;
  // d/dx x Phi(x) = Phi(x) + x phi(x)
  return record(out, "gelu", {&a}, [x = a](const Tensor& g) { return Grads{kernels::gelu_backward(g, x)}; });
}

Tensor softplus(const Tensor& a, double beta, double threshold) {
  Tensor out = kernels::softplus(a, beta, threshold);
  if (!any_requires_grad({&a})) return out;
  // d/dx = sigmoid(beta x), or 1 past the threshold
  return record(out, "softplus", {&a}, [x = a, beta, threshold](const Tensor& g) {
    return Grads{kernels::softplus_backward(g, x, beta, threshold)};
  });
}

Tensor softmax(const Tensor& a, std::int64_t dim) {
  Tensor out = kernels::softmax(a, dim);
  if (!any_requires_grad({&a})) return out;
  // ds_i/dx_j = s_i (delta_ij - s_j)
  return record(out, "softmax", {&a},
                [s = out.detach(), dim](const Tensor& g) { return Grads{kernels::softmax_backward(g, s, dim)}; });
}

Tensor log_softmax(const Tensor& a, std::int64_t dim) {
  Tensor out = kernels::log_softmax(a, dim);
  if (!any_requires_grad({&a})) return out;
  // dl_i/dx_j = delta_ij - s_j
  return record(out, "log_softmax", {&a},
                [l = out.detach(), dim](const Tensor& g) { return Grads{kernels::log_softmax_backward(g, l, dim)}; });
}

}  // namespace descent
