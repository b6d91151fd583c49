#pragma once
// Size2: a (height, width) pair for 2-d windows (kernel sizes, strides, paddings, dilations), made
// from one number for both or from two, as PyTorch's `int or (int, int)` arguments:
// conv2d(x, w, b, {.stride = 2, .padding = {1, 2}}).
#include <cstdint>

namespace descent {

struct Size2 {
  std::int64_t h = 0, w = 0;
  constexpr Size2() = default;
  constexpr Size2(std::int64_t both) : h(both), w(both) {}  // implicit, as PyTorch's int argument
  constexpr Size2(std::int64_t height, std::int64_t width) : h(height), w(width) {}
  friend constexpr bool operator==(const Size2&, const Size2&) = default;
};

}  // namespace descent
