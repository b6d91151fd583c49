#include "descent/tensor/kernels/window2d.hpp"

#include <algorithm>
#include <string>

#include "descent/error.hpp"

namespace descent::kernels {

std::string to_string(const Size2& s) {
  std::string out = "(";  // appended piece by piece: "(" + std::string trips GCC 12's -Wrestrict
  out += std::to_string(s.h);
  out += ", ";
  out += std::to_string(s.w);
  return out + ")";
}

OutputRange inside_outputs(std::int64_t offset, std::int64_t stride, std::int64_t size, std::int64_t out) {
  auto ceil_div = [](std::int64_t a, std::int64_t b) { return (a + b - 1) / b; };  // a >= 0, b > 0
  const std::int64_t lo = std::min(offset >= 0 ? 0 : ceil_div(-offset, stride), out);
  const std::int64_t hi = std::min(size - offset <= 0 ? 0 : ceil_div(size - offset, stride), out);
  return {lo, std::max(lo, hi)};
}

Size2 window_output_size(const Shape& input, const Window2d& win, const char* what) {
  auto describe = [&] {
    return std::string(what) + ": input of shape " + to_string(input) + ", kernel_size=" + to_string(win.kernel) +
           ", stride=" + to_string(win.stride) + ", padding=" + to_string(win.padding) +
           ", dilation=" + to_string(win.dilation);
  };
  if (input.size() < 2) throw ShapeError(describe() + ": expected at least 2 dimensions (H, W)");
  if (win.kernel.h < 1 || win.kernel.w < 1) throw ValueError(describe() + ": expected kernel_size >= 1");
  if (win.stride.h < 1 || win.stride.w < 1) throw ValueError(describe() + ": expected stride >= 1");
  if (win.padding.h < 0 || win.padding.w < 0) throw ValueError(describe() + ": expected padding >= 0");
  if (win.dilation.h < 1 || win.dilation.w < 1) throw ValueError(describe() + ": expected dilation >= 1");
  const std::int64_t h = input[input.size() - 2], w = input[input.size() - 1];
  const std::int64_t span_h = win.dilation.h * (win.kernel.h - 1) + 1, span_w = win.dilation.w * (win.kernel.w - 1) + 1;
  const std::int64_t padded_h = h + 2 * win.padding.h, padded_w = w + 2 * win.padding.w;
  if (padded_h < span_h || padded_w < span_w)
    throw ShapeError(describe() + ": the padded input (" + std::to_string(padded_h) + " x " + std::to_string(padded_w) +
                     ") is smaller than the dilated kernel (" + std::to_string(span_h) + " x " +
                     std::to_string(span_w) + ")");
  return {(padded_h - span_h) / win.stride.h + 1, (padded_w - span_w) / win.stride.w + 1};
}

}  // namespace descent::kernels
