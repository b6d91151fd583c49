#include "window_shape.hpp"

#include "layer_entry.hpp"

namespace descent::nn::entry {
namespace {

// 2, or [3, 1]: as a config writes it.
std::string size2_text(Size2 s) { return s.h == s.w ? std::to_string(s.h) : shape_text({s.h, s.w}); }

}  // namespace

ExampleShape window_shape(const ExampleShape& in, const Window& w, std::int64_t out_channels) {
  if (in.size() != 3)
    throw LayerInputError("", "three dimensions [channels, height, width] (set model.input_shape, e.g. [1, 28, 28])");
  const Size2 k = w.kernel_size, s = w.stride, p = w.padding, d = w.dilation;
  if (w.pooling && (2 * p.h > k.h || 2 * p.w > k.w))
    throw LayerInputError("padding", "at most half of kernel_size = " + size2_text(k));
  const std::int64_t span_h = d.h * (k.h - 1) + 1, span_w = d.w * (k.w - 1) + 1;
  if (span_h > in[1] + 2 * p.h || span_w > in[2] + 2 * p.w)
    throw LayerInputError("kernel_size", "a window (dilated) no larger than the padded input, " +
                                             std::to_string(in[1] + 2 * p.h) + " x " + std::to_string(in[2] + 2 * p.w));
  return {out_channels ? out_channels : in[0], (in[1] + 2 * p.h - span_h) / s.h + 1,
          (in[2] + 2 * p.w - span_w) / s.w + 1};
}

}  // namespace descent::nn::entry
