#pragma once
// The output shape of a 2-d window sliding over [channels, height, width] (conv2d, max_pool2d,
// avg_pool2d), for the registry's entries; LayerInputError names the key at fault.
#include "descent/nn/layer_type.hpp"
#include "descent/tensor/size2.hpp"

namespace descent::nn::entry {

struct Window {
  Size2 kernel_size, stride, padding, dilation = 1;
  bool pooling = false;  // padding at most half the kernel
};

// [channels_out (0: the input's), H_out, W_out] with PyTorch's floor((H + 2p - d (k - 1) - 1) / s) + 1.
ExampleShape window_shape(const ExampleShape& input_shape, const Window& w, std::int64_t out_channels = 0);

}  // namespace descent::nn::entry
