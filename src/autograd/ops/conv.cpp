#include "descent/autograd/ops/conv.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/conv.hpp"

namespace descent {

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Conv2dFuncOptions o) {
  kernels::Conv2dResult r = kernels::conv2d(input, weight, bias, o.stride, o.padding, o.dilation);
  if (!any_requires_grad({&input, &weight, &bias})) return r.output;
  const bool gx = input.requires_grad(), gw = weight.requires_grad(), gb = bias.defined() && bias.requires_grad();
  // Y = W * X + b as the product Y (O, N L) = W (O, K) cols(X) (K, N L):
  //   dW = dY cols(X)^T,  dX = col2im(W^T dY),  db = sum of dY over images and positions.
  // The columns are kept only when the weight's gradient needs them.
  return record(r.output, "conv2d", {&input, &weight, &bias},
                [cols = gw ? r.cols : Tensor(), weight, shape = input.shape(), o, gx, gw, gb](const Tensor& g) {
                  kernels::Conv2dGrads d =
                      kernels::conv2d_backward(g, cols, weight, shape, o.stride, o.padding, o.dilation, gx, gw, gb);
                  return std::vector<Tensor>{d.input, d.weight, d.bias};
                });
}

}  // namespace descent
