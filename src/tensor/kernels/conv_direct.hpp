#pragma once
// Direct convolution at stride 1 (conv_direct.cpp): the forward and the weight's (and bias's)
// gradient without im2col's columns, for convolutions with few input channels times kernel taps.
// conv.cpp decides when to call it; the operands arrive contiguous and checked.
#include <cstdint>

#include "descent/tensor/kernels/window2d.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// Whether the direct kernels handle this window: stride 1, any padding and dilation.
bool direct_conv_supported(const Window2d& window);
// Whether they beat im2col + GEMM on this convolution's forward (on the weight's and bias's gradient
// they never do): the rule and its measurements are in conv_direct.cpp.
bool direct_forward_wins(const Shape& input, const Window2d& window);

// out (N, O, OH, OW) = input (N, C, H, W) conv weight (O, C, kh, kw) + bias (O, or undefined).
void conv2d_direct(const Tensor& input, const Tensor& weight, const Tensor& bias, const Window2d& window, Tensor& out);
// weight_grad (O, C, kh, kw) and bias_grad (O), each overwritten where defined, from the output's
// gradient (N, O, OH, OW) and the forward's input.
void conv2d_direct_weight(const Tensor& grad_output, const Tensor& input, const Window2d& window, Tensor& weight_grad,
                          Tensor& bias_grad);

}  // namespace descent::kernels
