#pragma once
// A window sliding over the last two dimensions of an (N, C, H, W) tensor: the geometry that
// convolution and pooling share.
#include <cstdint>
#include <string>

#include "descent/tensor/shape.hpp"
#include "descent/tensor/size2.hpp"

namespace descent::kernels {

struct Window2d {
  Size2 kernel;
  Size2 stride = 1;
  Size2 padding = 0;   // implicit zeros (convolution) or ignored positions (pooling) on each side
  Size2 dilation = 1;  // spacing between kernel taps
};

// floor((H + 2 p - d (k - 1) - 1) / s) + 1 along each side of the plane (PyTorch's output size). Throws
// ShapeError, naming `what`, the input shape and the window, when a parameter is invalid or the
// output would be empty.
Size2 window_output_size(const Shape& input, const Window2d& window, const char* what);

// The output positions o in [lo, hi) whose input position o * stride + offset lies in [0, size), for
// `out` output positions: where one kernel tap sees the image rather than the padding.
struct OutputRange {
  std::int64_t lo, hi;
};
OutputRange inside_outputs(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t out);

// "(5, 5)": a Size2 as PyTorch prints a pair.
std::string to_string(const Size2& s);

}  // namespace descent::kernels
