#pragma once
// Batch and layer normalization, forward and backward. Means and variances are two-pass sums in
// double (the variance from the deviations, never E[x^2] - E[x]^2, which cancels).
#include <cstdint>
#include <functional>
#include <span>

#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

struct NormGrads {
  Tensor input, weight, bias;  // undefined where not asked for
};

// Batch normalization of (N, C, *) over every dimension but the channel's (dimension 1).
struct BatchNormStats {
  Tensor mean, var;  // (C), var biased (divided by the count, not count - 1)
};
BatchNormStats batch_norm_stats(const Tensor& input);
// A data-parallel run's batch norm (SyncBatchNorm) takes its statistics over every process's shard:
// `reduce` replaces per-channel sums, computed on this shard, by their sums over the processes.
using ChannelSumsReducer = std::function<void(std::span<double> sums)>;
// batch_norm_stats with the sums and the count reduced: the count of elements per channel over all the
// shards goes to `count`.
BatchNormStats batch_norm_stats(const Tensor& input, const ChannelSumsReducer& reduce, double* count);
// y = (x - mean[c]) invstd[c] weight[c] + bias[c]; weight and bias may be undefined (1 and 0).
Tensor batch_norm_apply(const Tensor& input, const Tensor& mean, const Tensor& invstd, const Tensor& weight,
                        const Tensor& bias);
// With xhat = (x - mean) invstd, dweight = sum g xhat, dbias = sum g per channel, and
// dx = weight invstd (g - mean(g) - xhat mean(g xhat)) when mean and invstd are the batch's own
// (batch_stats: they depend on x), dx = weight invstd g when they are fixed running statistics.
NormGrads batch_norm_backward(const Tensor& grad_output, const Tensor& input, const Tensor& mean, const Tensor& invstd,
                              const Tensor& weight, bool batch_stats, bool need_input, bool need_weight,
                              bool need_bias);
// The same with dx from the sums of g and g (x - mean) reduced over the shards and their `count`
// elements per channel (batch statistics); dweight and dbias stay this shard's.
NormGrads batch_norm_backward(const Tensor& grad_output, const Tensor& input, const Tensor& mean, const Tensor& invstd,
                              const Tensor& weight, bool need_input, bool need_weight, bool need_bias,
                              const ChannelSumsReducer& reduce, double count);

// Layer normalization over the last `normalized_numel` elements of each row.
struct LayerNormResult {
  Tensor output, mean, invstd;  // mean and invstd per row
};
// y = (x - mean) invstd weight + bias, invstd = 1 / sqrt(var + eps); weight and bias (shaped like the
// normalized dimensions) may be undefined.
LayerNormResult layer_norm(const Tensor& input, std::int64_t normalized_numel, const Tensor& weight, const Tensor& bias,
                           double eps);
// dx = invstd (d - mean(d) - xhat mean(d xhat)) with d = g weight; dweight = sum over rows g xhat, dbias = sum g.
NormGrads layer_norm_backward(const Tensor& grad_output, const Tensor& input, const Tensor& mean, const Tensor& invstd,
                              const Tensor& weight, bool need_input, bool need_weight, bool need_bias);

// 1 / sqrt(var + eps), elementwise.
Tensor inverse_std(const Tensor& var, double eps);

}  // namespace descent::kernels
