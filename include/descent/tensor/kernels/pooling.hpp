#pragma once
// 2-d max and average pooling over the last two dimensions of (N, C, H, W) or (C, H, W) tensors, and
// their backward passes.
#include "descent/tensor/kernels/window2d.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

struct MaxPool2dResult {
  Tensor output;
  Tensor indices;  // int64, the flat index h * W + w of each maximum within its plane (as PyTorch's)
};
// Padding positions are never chosen (they count as -inf). On ties the first maximum in row-major
// window order wins; a NaN wins over any number, as in PyTorch.
MaxPool2dResult max_pool2d(const Tensor& input, const Window2d& window);
// Each output gradient goes to its maximum's position (summed where windows overlap).
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& indices, const Shape& input_shape);

// The mean over each window (no dilation). count_include_pad: padding zeros count in the divisor.
Tensor avg_pool2d(const Tensor& input, const Window2d& window, bool count_include_pad);
Tensor avg_pool2d_backward(const Tensor& grad_output, const Shape& input_shape, const Window2d& window,
                           bool count_include_pad);

}  // namespace descent::kernels
