#pragma once
// The fused loss ops: each computes a loss in one pass of its own kernels (tensor/kernels/loss.hpp,
// reduction.hpp, softmax.hpp) and has a hand-written backward, where composing it from smaller ops
// would cost passes or stability. The nn losses (nn/losses/) check their operands, then call these;
// weights and reductions around them are composed from differentiable ops. docs/ops.md lists each
// with its backward kernel and gradcheck row.
#include "descent/tensor/tensor.hpp"

namespace descent {

// PyTorch's reduction = 'none' | 'mean' | 'sum' (nn::Reduction, which the losses take, is this type).
enum class Reduction { None, Mean, Sum };

// (x - y)^2 elementwise, x and y of one shape.
Tensor squared_error(const Tensor& input, const Tensor& target);
// scale * sum (x - y)^2 over every element, in one pass forward and one backward: MSELoss's mean
// (scale 1 / numel) and sum (scale 1), Nielsen's quadratic cost (scale 1 / (2n)).
Tensor squared_error_sum(const Tensor& input, const Tensor& target, double scale);

// -log softmax(x_i)[y_i] for logits x (N, C) and int64 class indices y (N) in [0, C), reduced: the
// per-sample losses (N), their mean or their sum. CrossEntropyLoss without weights or smoothing.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction);

// BCELoss's elementwise loss on probabilities x in [0, 1] and targets y (same shape and dtype), each
// log clamped at -100 as PyTorch clamps it: l = (y - 1) max(log(1 - x), -100) - y max(log x, -100).
Tensor elementwise_binary_cross_entropy(const Tensor& input, const Tensor& target);
// BCEWithLogitsLoss's elementwise loss on logits x, in log-sum-exp form:
// l = (1 - y) x + (1 + (pw - 1) y) log(1 + e^-x). pos_weight (pw, a constant) is undefined (1) or has
// x's shape and dtype.
Tensor elementwise_binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                    const Tensor& pos_weight = Tensor());

}  // namespace descent
