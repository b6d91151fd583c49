#pragma once
// Conv2d: a 2-d convolution layer over (N, C, H, W) inputs (or one (C, H, W) image), as
// torch.nn.Conv2d with zero padding and groups = 1, initialised as PyTorch does by default: weight
// kaiming_uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in kh kw,
// and bias with the same bound.
#include <cstdint>

#include "descent/nn/module.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/tensor/size2.hpp"

namespace descent::nn {

struct Conv2dOptions {
  Size2 stride = 1;
  Size2 padding = 0;
  Size2 dilation = 1;
  bool bias = true;
  Dtype dtype = Dtype::Float32;
  Generator* generator = nullptr;  // default_generator() when null
};

class Conv2d : public Module {
 public:
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size, Conv2dOptions options = {});
  Tensor forward(const Tensor& input) override;
  // "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))", as PyTorch prints it.
  std::string describe() const override;

  const Tensor& weight() const { return weight_; }  // (out_channels, in_channels, kh, kw)
  const Tensor& bias() const { return bias_; }      // (out_channels), undefined without bias
  std::int64_t in_channels() const { return in_; }
  std::int64_t out_channels() const { return out_; }
  Size2 kernel_size() const { return kernel_; }
  const Conv2dOptions& options() const { return options_; }

 private:
  std::int64_t in_, out_;
  Size2 kernel_;
  Conv2dOptions options_;
  Tensor weight_, bias_;
};

}  // namespace descent::nn
