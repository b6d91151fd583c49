#include "descent/autograd/ops/activation.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/softmax.hpp"

namespace descent {

using kernels::UnaryOp;

Tensor sigmoid(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Sigmoid, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx s(x) = s(1 - s)
  return record(out, "sigmoid", {&a}, [s = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{kernels::sigmoid_backward(g, s)};
  });
}

Tensor tanh(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Tanh, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx tanh x = 1 - tanh^2 x
  return record(out, "tanh", {&a}, [t = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{kernels::tanh_backward(g, t)};
  });
}

Tensor relu(const Tensor& a) {
  Tensor out = kernels::unary(UnaryOp::Relu, a);
  if (!any_requires_grad({&a})) return out;
  // d/dx max(x, 0) = [x > 0]
  return record(out, "relu", {&a}, [x = a](const Tensor& g) {
    return std::vector<Tensor>{kernels::relu_backward(g, x)};
  });
}

Tensor softmax(const Tensor& a, std::int64_t dim) {
  Tensor out = kernels::softmax(a, dim);
  if (!any_requires_grad({&a})) return out;
  // ds_i/dx_j = s_i (delta_ij - s_j)
  return record(out, "softmax", {&a}, [s = out.detach(), dim](const Tensor& g) {
    return std::vector<Tensor>{kernels::softmax_backward(g, s, dim)};
  });
}

Tensor log_softmax(const Tensor& a, std::int64_t dim) {
  Tensor out = kernels::log_softmax(a, dim);
  if (!any_requires_grad({&a})) return out;
  // dl_i/dx_j = delta_ij - s_j
  return record(out, "log_softmax", {&a}, [l = out.detach(), dim](const Tensor& g) {
    return std::vector<Tensor>{kernels::log_softmax_backward(g, l, dim)};
  });
}

}  // namespace descent
