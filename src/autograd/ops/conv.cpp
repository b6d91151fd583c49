#include "descent/autograd/ops/conv.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/conv.hpp"

namespace descent {

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Conv2dFuncOptions o) {
  Tensor out = kernels::conv2d(input, weight, bias, o.stride, o.padding, o.dilation);
  if (!any_requires_grad({&input, &weight, &bias})) return out;
  const bool gx = input.requires_grad(), gw = weight.requires_grad(), gb = bias.defined() && bias.requires_grad();
  // Y = W * X + b as the product Y (O, N L) = W (O, K) cols(X) (K, N L):
  //   dW = dY cols(X)^T,  dX = col2im(W^T dY),  db = sum of dY over images and positions.
  // Backward rebuilds the columns from the input, chunk by chunk (kernels/conv.cpp).
  return record(out, "conv2d", {&input, &weight, &bias}, [input, weight, o, gx, gw, gb](const Tensor& g) {
    kernels::Conv2dGrads d = kernels::conv2d_backward(g, input, weight, o.stride, o.padding, o.dilation, gx, gw, gb);
    return Grads{d.input, d.weight, d.bias};
  });
}

}  // namespace descent
