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
  if (w.pooling && (p.h > k.h / 2 || p.w > k.w / 2))
    throw LayerInputError("padding", "at most half of kernel_size = " + size2_text(k));
  // Sizes from a config may be anything up to 2^63 - 1: the sums and products below are checked.
  std::int64_t padded_h = 0, padded_w = 0, span_h = 0, span_w = 0;
  if (__builtin_mul_overflow(p.h, 2, &padded_h) || __builtin_add_overflow(padded_h, in[1], &padded_h) ||
      __builtin_mul_overflow(p.w, 2, &padded_w) || __builtin_add_overflow(padded_w, in[2], &padded_w))
    throw LayerInputError("padding", "a padded input whose size fits in 64 bits");
  if (__builtin_mul_overflow(d.h, k.h - 1, &span_h) || __builtin_add_overflow(span_h, 1, &span_h) ||
      __builtin_mul_overflow(d.w, k.w - 1, &span_w) || __builtin_add_overflow(span_w, 1, &span_w))
    throw LayerInputError("kernel_size", "a window (dilated) no larger than the padded input, " +
                                             std::to_string(padded_h) + " x " + std::to_string(padded_w));
  if (span_h > padded_h || span_w > padded_w)
    throw LayerInputError("kernel_size", "a window (dilated) no larger than the padded input, " +
                                             std::to_string(padded_h) + " x " + std::to_string(padded_w));
  return {out_channels ? out_channels : in[0], (padded_h - span_h) / s.h + 1, (padded_w - span_w) / s.w + 1};
}

}  // namespace descent::nn::entry
