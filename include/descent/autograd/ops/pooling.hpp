#pragma once
// Differentiable 2-d pooling, as torch.nn.functional.max_pool2d and avg_pool2d (floor mode), over
// (N, C, H, W) or (C, H, W) inputs.
#include "descent/tensor/size2.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

struct MaxPool2dFuncOptions {
  Size2 stride = 0;   // 0: the kernel size (PyTorch's stride=None)
  Size2 padding = 0;  // at most half the kernel; padding never wins the maximum
  Size2 dilation = 1;
};

// The largest value of each window. Its gradient goes to the maximum's position; on ties to the
// first in row-major window order, as PyTorch's.
Tensor max_pool2d(const Tensor& input, Size2 kernel_size, MaxPool2dFuncOptions options = {});

struct AvgPool2dFuncOptions {
  Size2 stride = 0;               // 0: the kernel size
  Size2 padding = 0;              // zeros, at most half the kernel
  bool count_include_pad = true;  // divide by the whole window, padding included (PyTorch's default)
};

Tensor avg_pool2d(const Tensor& input, Size2 kernel_size, AvgPool2dFuncOptions options = {});

}  // namespace descent
