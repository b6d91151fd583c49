#include "descent/autograd/ops/pooling.hpp"

#include "descent/autograd/node.hpp"
#include "descent/tensor/kernels/pooling.hpp"

namespace descent {
namespace {

Size2 or_kernel(Size2 stride, Size2 kernel) {
  return {stride.h == 0 ? kernel.h : stride.h, stride.w == 0 ? kernel.w : stride.w};
}

}  // namespace

Tensor max_pool2d(const Tensor& input, Size2 kernel_size, MaxPool2dFuncOptions o) {
  const kernels::Window2d win{kernel_size, or_kernel(o.stride, kernel_size), o.padding, o.dilation};
  kernels::MaxPool2dResult r = kernels::max_pool2d(input, win);
  if (!any_requires_grad({&input})) return r.output;
  // d out / d x = 1 at the window's maximum, 0 elsewhere
  return record(r.output, "max_pool2d", {&input}, [indices = r.indices, shape = input.shape()](const Tensor& g) {
    return Grads{kernels::max_pool2d_backward(g, indices, shape)};
  });
}

Tensor avg_pool2d(const Tensor& input, Size2 kernel_size, AvgPool2dFuncOptions o) {
  const kernels::Window2d win{kernel_size, or_kernel(o.stride, kernel_size), o.padding, 1};
  Tensor out = kernels::avg_pool2d(input, win, o.count_include_pad);
  if (!any_requires_grad({&input})) return out;
  // d out / d x = 1 / divisor for each x in the window
  return record(out, "avg_pool2d", {&input},
                [shape = input.shape(), win, include = o.count_include_pad](const Tensor& g) {
                  return Grads{kernels::avg_pool2d_backward(g, shape, win, include)};
                });
}

}  // namespace descent
