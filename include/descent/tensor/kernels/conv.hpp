#pragma once
// 2-d convolution (cross-correlation, as PyTorch's) as im2col + GEMM over chunks of a few images, and
// its backward passes: the weight's gradient is a GEMM against each chunk's columns (rebuilt from the
// input), the input's a GEMM into columns and then col2im. Convolutions with few input channels times
// kernel taps (LeNet-5's first layer) run a direct loop instead, forward and weight gradient. At stride
// 1 and dilation 1 the forward writes no columns: its product reads them in place from shifted copies
// of each image's planes (conv.cpp).
#include "descent/tensor/kernels/window2d.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// Columns of an (N, C, H, W) input, (C kh kw, N OH OW): row (c, i, j) holds, for every output position
// of every image, the input element under kernel tap (i, j) of channel c (0 in the padding).
Tensor im2col(const Tensor& input, const Window2d& window);
// The adjoint of im2col: each column entry is added back into the input position it came from.
Tensor col2im(const Tensor& cols, const Shape& input_shape, const Window2d& window);

// How conv2d and conv2d_backward's weight gradient run: Auto picks by the measured rule (a direct
// loop at stride 1 for few input channels times kernel taps, im2col + GEMM otherwise); the others
// force one, for tests and benchmarks (Direct throws ValueError where it does not apply).
enum class ConvAlgorithm { Auto, Im2col, Direct };

// input (N, C, H, W), weight (O, C, kh, kw), bias (O) or undefined; the output is (N, O, OH, OW).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride, Size2 padding,
              Size2 dilation, ConvAlgorithm algorithm = ConvAlgorithm::Auto);

struct Conv2dGrads {
  Tensor input, weight, bias;  // undefined where not asked for
};
// From the output's gradient (N, O, OH, OW) and the forward's input and weight. The input's gradient
// is always im2col's (a GEMM into columns, then col2im); `algorithm` picks the weight's and bias's.
Conv2dGrads conv2d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& weight, Size2 stride,
                            Size2 padding, Size2 dilation, bool need_input, bool need_weight, bool need_bias,
                            ConvAlgorithm algorithm = ConvAlgorithm::Auto);

}  // namespace descent::kernels
