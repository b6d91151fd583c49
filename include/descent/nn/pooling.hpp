#pragma once
// 2-d pooling layers, as torch.nn.MaxPool2d and AvgPool2d (floor mode): stateless wrappers around
// max_pool2d and avg_pool2d. The stride defaults to the kernel size.
#include "descent/autograd/ops/pooling.hpp"
#include "descent/nn/module.hpp"

namespace descent::nn {

using MaxPool2dOptions = MaxPool2dFuncOptions;
using AvgPool2dOptions = AvgPool2dFuncOptions;

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(Size2 kernel_size, MaxPool2dOptions options = {});
  Tensor forward(const Tensor& input) override;
  // "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
  std::string describe() const override;
  Size2 kernel_size() const { return kernel_; }
  const MaxPool2dOptions& options() const { return options_; }  // the stride set (the kernel size by default)

 private:
  Size2 kernel_;
  MaxPool2dOptions options_;
};

class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(Size2 kernel_size, AvgPool2dOptions options = {});
  Tensor forward(const Tensor& input) override;
  // "AvgPool2d(kernel_size=2, stride=2, padding=0)"
  std::string describe() const override;
  Size2 kernel_size() const { return kernel_; }
  const AvgPool2dOptions& options() const { return options_; }  // the stride set (the kernel size by default)

 private:
  Size2 kernel_;
  AvgPool2dOptions options_;
};

}  // namespace descent::nn
