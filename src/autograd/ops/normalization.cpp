#include "descent/autograd/ops/normalization.hpp"

#include <string>

#include "descent/autograd/node.hpp"
#include "descent/distributed/batch_shard.hpp"
#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/normalization.hpp"

namespace descent {
namespace {

void require_shape(const Tensor& t, const Shape& shape, const char* name, const char* what, const Tensor& input) {
  if (t.defined() && !(t.shape() == shape))
    throw ShapeError(std::string(what) + ": " + name + " of shape " + to_string(t.shape()) + " does not fit input " +
                     to_string(input.shape()) + " (expected " + to_string(shape) + ")");
}

// A copy that later in-place updates of `t` (running statistics) cannot reach.
Tensor snapshot(const Tensor& t) {
  Tensor c = Tensor::empty(t.shape(), t.dtype());
  kernels::copy_(c, t);
  return c;
}

// In a data-parallel update, the process group over which a training batch norm of `input` takes its
// statistics (SyncBatchNorm); null when the input is not the shard's batch or there is one process.
distributed::Communicator* sync_group(const Tensor& input) {
  const distributed::BatchShard* shard = distributed::current_batch_shard();
  if (!shard || !shard->group || shard->group->size() == 1 || input.shape()[0] != shard->size) return nullptr;
  return shard->group;
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  if (input.dim() < 2)
    throw ShapeError("batch_norm: expected an input (N, C, ...) of at least 2 dimensions, got shape " +
                     to_string(input.shape()));
  const Shape per_channel{input.shape()[1]};
  require_shape(running_mean, per_channel, "running_mean", "batch_norm", input);
  require_shape(running_var, per_channel, "running_var", "batch_norm", input);
  require_shape(weight, per_channel, "weight", "batch_norm", input);
  require_shape(bias, per_channel, "bias", "batch_norm", input);
  Tensor mean, invstd;
  distributed::Communicator* group = training ? sync_group(input) : nullptr;
  kernels::ChannelSumsReducer reduce;
  if (group) reduce = [group](std::span<double> sums) { group->all_reduce_sum(sums); };
  const std::int64_t per_channel_here = input.numel() / input.shape()[1];  // exact: numel is a multiple
  double count = static_cast<double>(per_channel_here);
  if (training) {
    const kernels::BatchNormStats stats = kernels::batch_norm_stats(input, reduce, &count);
    if (count <= 1)
      throw ValueError("batch_norm: expected more than 1 value per channel when training, got input of shape " +
                       to_string(input.shape()) + (group ? " over all the processes" : ""));
    mean = stats.mean;
    invstd = kernels::inverse_std(stats.var, eps);
    if (running_mean.defined()) {
      kernels::mul_(running_mean, 1.0 - momentum);
      kernels::add_(running_mean, stats.mean, momentum);
    }
    if (running_var.defined()) {
      const double unbiased = count / (count - 1);
      kernels::mul_(running_var, 1.0 - momentum);
      kernels::add_(running_var, stats.var, momentum * unbiased);
    }
  } else {
    if (!running_mean.defined() || !running_var.defined())
      throw ValueError("batch_norm: running_mean and running_var are needed when not training");
    mean = snapshot(running_mean);
    invstd = kernels::inverse_std(running_var, eps);
  }
  Tensor out = kernels::batch_norm_apply(input, mean, invstd, weight, bias);
  if (!any_requires_grad({&input, &weight, &bias})) return out;
  const bool gx = input.requires_grad(), gw = weight.defined() && weight.requires_grad(),
             gb = bias.defined() && bias.requires_grad();
  // xhat = (x - mean) invstd, y = w xhat + b: dw = sum g xhat, db = sum g, and dx through xhat and,
  // in training, through the batch's mean and variance (see kernels::batch_norm_backward)
  return record(out, "batch_norm", {&input, &weight, &bias},
                [input, weight, mean, invstd, training, gx, gw, gb, reduce, count](const Tensor& g) {
                  kernels::NormGrads d =
                      reduce ? kernels::batch_norm_backward(g, input, mean, invstd, weight, gx, gw, gb, reduce, count)
                             : kernels::batch_norm_backward(g, input, mean, invstd, weight, training, gx, gw, gb);
                  return Grads{d.input, d.weight, d.bias};
                });
}

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  const int k = normalized_shape.size(), lead = input.dim() - k;
  bool fits = k >= 1 && lead >= 0;
  for (int i = 0; fits && i < k; ++i) fits = input.shape()[lead + i] == normalized_shape[i];
  if (!fits)
    throw ShapeError("layer_norm: normalized_shape " + to_string(normalized_shape) +
                     " does not match the trailing dimensions of input " + to_string(input.shape()));
  require_shape(weight, normalized_shape, "weight", "layer_norm", input);
  require_shape(bias, normalized_shape, "bias", "layer_norm", input);
  kernels::LayerNormResult r = kernels::layer_norm(input, numel(normalized_shape), weight, bias, eps);
  if (!any_requires_grad({&input, &weight, &bias})) return r.output;
  const bool gx = input.requires_grad(), gw = weight.defined() && weight.requires_grad(),
             gb = bias.defined() && bias.requires_grad();
  // xhat = (x - mean) invstd per row, y = w xhat + b: dx = invstd (d - mean(d) - xhat mean(d xhat)), d = g w
  return record(r.output, "layer_norm", {&input, &weight, &bias},
                [input, weight, mean = r.mean, invstd = r.invstd, gx, gw, gb](const Tensor& g) {
                  kernels::NormGrads d = kernels::layer_norm_backward(g, input, mean, invstd, weight, gx, gw, gb);
                  return Grads{d.input, d.weight, d.bias};
                });
}

}  // namespace descent
