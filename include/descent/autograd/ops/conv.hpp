#pragma once
// Differentiable 2-d convolution, as torch.nn.functional.conv2d (cross-correlation, NCHW, zero padding).
#include "descent/tensor/size2.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

struct Conv2dFuncOptions {
  Size2 stride = 1;
  Size2 padding = 0;
  Size2 dilation = 1;
};

// input (N, C, H, W), weight (O, C, kh, kw), bias (O) or undefined -> (N, O, OH, OW), with
// OH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1 (likewise OW).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), Conv2dFuncOptions options = {});

}  // namespace descent
