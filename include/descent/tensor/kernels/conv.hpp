#pragma once
// 2-d convolution (cross-correlation, as PyTorch's) as im2col + one GEMM over the whole batch, and
// its backward passes: the weight's gradient is one GEMM against the saved columns, the input's one
// GEMM into columns and then col2im.
#include "descent/tensor/kernels/window2d.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// Columns of an (N, C, H, W) input, (C kh kw, N OH OW): row (c, i, j) holds, for every output position
// of every image, the input element under kernel tap (i, j) of channel c (0 in the padding).
Tensor im2col(const Tensor& input, const Window2d& window);
// The adjoint of im2col: each column entry is added back into the input position it came from.
Tensor col2im(const Tensor& cols, const Shape& input_shape, const Window2d& window);

struct Conv2dResult {
  Tensor output;  // (N, O, OH, OW)
  Tensor cols;    // im2col(input), for the weight's gradient
};
// input (N, C, H, W), weight (O, C, kh, kw), bias (O) or undefined.
Conv2dResult conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride, Size2 padding,
                    Size2 dilation);

struct Conv2dGrads {
  Tensor input, weight, bias;  // undefined where not asked for
};
// From the output's gradient (N, O, OH, OW). `cols` is needed only for the weight's gradient.
Conv2dGrads conv2d_backward(const Tensor& grad_output, const Tensor& cols, const Tensor& weight,
                            const Shape& input_shape, Size2 stride, Size2 padding, Size2 dilation, bool need_input,
                            bool need_weight, bool need_bias);

}  // namespace descent::kernels
