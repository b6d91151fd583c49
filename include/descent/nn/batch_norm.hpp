#pragma once
// Batch normalization layers, as torch.nn.BatchNorm1d and BatchNorm2d. In training mode they
// normalize with the batch's statistics and update the running ones; in evaluation mode (eval())
// they normalize with the running statistics. running_mean, running_var and num_batches_tracked are
// buffers, so they appear in state_dict under PyTorch's names. weight starts at 1, bias at 0,
// running_mean at 0, running_var at 1.
#include <cstdint>
#include <optional>

#include "descent/nn/module.hpp"

namespace descent::nn {

struct BatchNormOptions {
  double eps = 1e-5;
  // running = (1 - momentum) running + momentum batch_stat; nullopt: the cumulative average over all batches
  std::optional<double> momentum = 0.1;
  bool affine = true;               // learnable weight and bias
  bool track_running_stats = true;  // false: batch statistics in evaluation mode too
  Dtype dtype = Dtype::Float32;
};

// What BatchNorm1d and BatchNorm2d share; they differ only in the input ranks they accept.
class BatchNormBase : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  // "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
  std::string describe() const override;

  const Tensor& weight() const { return weight_; }  // undefined without affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined without track_running_stats
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }  // int64, 0-d
  std::int64_t num_features() const { return num_features_; }
  const BatchNormOptions& options() const { return options_; }

 protected:
  BatchNormBase(const char* name, std::int64_t num_features, BatchNormOptions options);
  virtual void check_input_dim(const Tensor& input) const = 0;

 private:
  const char* name_;
  std::int64_t num_features_;
  BatchNormOptions options_;
  Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

// Over (N, C) or (N, C, L) inputs, statistics per channel C.
class BatchNorm1d : public BatchNormBase {
 public:
  explicit BatchNorm1d(std::int64_t num_features, BatchNormOptions options = {})
      : BatchNormBase("BatchNorm1d", num_features, options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};

// Over (N, C, H, W) inputs, statistics per channel C.
class BatchNorm2d : public BatchNormBase {
 public:
  explicit BatchNorm2d(std::int64_t num_features, BatchNormOptions options = {})
      : BatchNormBase("BatchNorm2d", num_features, options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};

}  // namespace descent::nn
