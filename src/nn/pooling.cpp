#include "descent/nn/pooling.hpp"

#include "python_repr.hpp"

namespace descent::nn {
namespace {

// Pools print sizes as given: an int when both sides agree (kernel_size=2), else a pair.
std::string size(const Size2& s) { return python_size(s, true); }

}  // namespace

MaxPool2d::MaxPool2d(Size2 kernel_size, MaxPool2dOptions options) : kernel_(kernel_size), options_(options) {
  if (options_.stride == Size2(0)) options_.stride = kernel_size;
}

Tensor MaxPool2d::forward(const Tensor& input) { return max_pool2d(input, kernel_, options_); }

std::string MaxPool2d::describe() const {
  return "MaxPool2d(kernel_size=" + size(kernel_) + ", stride=" + size(options_.stride) +
         ", padding=" + size(options_.padding) + ", dilation=" + size(options_.dilation) + ", ceil_mode=False)";
}

AvgPool2d::AvgPool2d(Size2 kernel_size, AvgPool2dOptions options) : kernel_(kernel_size), options_(options) {
  if (options_.stride == Size2(0)) options_.stride = kernel_size;
}

Tensor AvgPool2d::forward(const Tensor& input) { return avg_pool2d(input, kernel_, options_); }

std::string AvgPool2d::describe() const {
  // PyTorch's repr leaves count_include_pad out
  return "AvgPool2d(kernel_size=" + size(kernel_) + ", stride=" + size(options_.stride) +
         ", padding=" + size(options_.padding) + ")";
}

}  // namespace descent::nn
