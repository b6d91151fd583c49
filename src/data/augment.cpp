#include "descent/data/augment.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"

namespace descent::data {
namespace {

struct Geometry {
  std::int64_t channels, height, width;
  std::int64_t plane() const { return height * width; }
  std::int64_t size() const { return channels * plane(); }
};

// One image (C, H, W) from src into dst (distinct buffers); each output pixel reads one input pixel or is 0.
template <class T, class Source>
void remap(const T* src, T* dst, const Geometry& g, Source source) {
  for (std::int64_t y = 0; y < g.height; ++y)
    for (std::int64_t x = 0; x < g.width; ++x) {
      const auto [sy, sx] = source(y, x);
      const bool inside = sy >= 0 && sy < g.height && sx >= 0 && sx < g.width;
      for (std::int64_t c = 0; c < g.channels; ++c)
        dst[c * g.plane() + y * g.width + x] = inside ? src[c * g.plane() + sy * g.width + sx] : T(0);
    }
}

template <class T>
void crop_one(const T* src, T* dst, const Geometry& g, std::int64_t padding, std::int64_t top, std::int64_t left) {
  remap(src, dst, g, [&](std::int64_t y, std::int64_t x) { return std::pair{y + top - padding, x + left - padding}; });
}

template <class T>
void hflip_one(const T* src, T* dst, const Geometry& g) {
  remap(src, dst, g, [&](std::int64_t y, std::int64_t x) { return std::pair{y, g.width - 1 - x}; });
}

// The inverse map: output pixel (x, y) shifted back by (tx, ty), then rotated clockwise by `degrees`
// about the centre, names the input pixel (rounded to the nearest).
template <class T>
void affine_one(const T* src, T* dst, const Geometry& g, double degrees, std::int64_t tx, std::int64_t ty) {
  const double angle = degrees * std::numbers::pi / 180.0;
  const double cs = std::cos(angle), sn = std::sin(angle);
  const double cx = static_cast<double>(g.width - 1) / 2.0, cy = static_cast<double>(g.height - 1) / 2.0;
  remap(src, dst, g, [&](std::int64_t y, std::int64_t x) {
    const double u = static_cast<double>(x - tx) - cx, v = static_cast<double>(y - ty) - cy;
    return std::pair{static_cast<std::int64_t>(std::nearbyint(u * sn + v * cs + cy)),
                     static_cast<std::int64_t>(std::nearbyint(u * cs - v * sn + cx))};
  });
}

// (C, H, W) or (N, C, H, W) of a float dtype: the geometry, the image count, a contiguous copy of the
// input and an output of the same shape.
struct Images {
  Geometry g;
  std::int64_t count;
  Tensor in, out;
};

Images images_of(const Tensor& images, const char* name) {
  const Shape& s = images.shape();
  if ((s.size() != 3 && s.size() != 4) || !is_floating(images.dtype()))
    throw ValueError(std::string(name) + ": expected images (C, H, W) or (N, C, H, W) of a float dtype, got " +
                     to_string(s) + " " + std::string(to_string(images.dtype())));
  const int d = s.size() - 3;
  Images out{{s[d], s[d + 1], s[d + 2]}, d == 1 ? s[0] : 1, kernels::contiguous(images), Tensor()};
  out.out = Tensor::empty(s, images.dtype());
  return out;
}

template <class Each>
Tensor each_image(const Tensor& images, const char* name, Each each) {
  Images im = images_of(images, name);
  dispatch_floating(images.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (std::int64_t i = 0; i < im.count; ++i)
      each(im.in.data<T>() + i * im.g.size(), im.out.data<T>() + i * im.g.size(), im.g);
  });
  return im.out;
}

void check_options(const AugmentOptions& o) {
  auto fail = [](const std::string& what) { throw ValueError("augment: " + what); };
  if (o.crop_padding < 0) fail("crop_padding = " + std::to_string(o.crop_padding) + ": expected >= 0");
  if (!(o.hflip >= 0 && o.hflip <= 1)) fail("hflip = " + std::to_string(o.hflip) + ": expected in [0, 1]");
  if (!(o.rotation >= 0 && o.rotation <= 180))
    fail("rotation = " + std::to_string(o.rotation) + ": expected in [0, 180]");
  if (!(o.translate >= 0 && o.translate <= 1))
    fail("translate = " + std::to_string(o.translate) + ": expected in [0, 1]");
}

// A number uniform in [-a, a].
double symmetric(Generator& generator, double a) { return (2.0 * generator.uniform() - 1.0) * a; }

}  // namespace

Tensor crop(const Tensor& images, std::int64_t padding, std::int64_t top, std::int64_t left) {
  if (padding < 0 || top < 0 || left < 0 || top > 2 * padding || left > 2 * padding)
    throw ValueError("crop: padding " + std::to_string(padding) + ", top " + std::to_string(top) + ", left " +
                     std::to_string(left) + ": expected padding >= 0 and top, left in [0, 2 * padding]");
  return each_image(images, "crop",
                    [&](const auto* src, auto* dst, const Geometry& g) { crop_one(src, dst, g, padding, top, left); });
}

Tensor hflip(const Tensor& images) {
  return each_image(images, "hflip", [](const auto* src, auto* dst, const Geometry& g) { hflip_one(src, dst, g); });
}

Tensor affine(const Tensor& images, double degrees, std::int64_t tx, std::int64_t ty) {
  if (!std::isfinite(degrees)) throw ValueError("affine: degrees must be finite");
  return each_image(images, "affine",
                    [&](const auto* src, auto* dst, const Geometry& g) { affine_one(src, dst, g, degrees, tx, ty); });
}

void augment_(Tensor& batch, const std::vector<std::int64_t>& image_shape, const AugmentOptions& options,
              Generator& generator) {
  check_options(options);
  if (image_shape.size() != 3 || batch.dim() != 2 || !batch.is_contiguous() || !is_floating(batch.dtype()) ||
      batch.size(1) != image_shape[0] * image_shape[1] * image_shape[2])
    throw ValueError("augment_: expected a contiguous float batch (B, C*H*W) of images (C, H, W), got " +
                     to_string(batch.shape()) + " and image shape " +
                     to_string(Shape(image_shape.begin(), image_shape.end())));
  const Geometry g{image_shape[0], image_shape[1], image_shape[2]};
  const bool moves = options.rotation > 0 || options.translate > 0;
  dispatch_floating(batch.dtype(), [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> scratch(static_cast<std::size_t>(g.size()));
    for (std::int64_t i = 0; i < batch.size(0); ++i) {
      T* image = batch.data<T>() + i * g.size();
      const auto apply = [&](auto transform) {
        transform(image, scratch.data());
        std::copy(scratch.begin(), scratch.end(), image);
      };
      if (options.crop_padding > 0) {
        const auto window = static_cast<std::uint64_t>(2 * options.crop_padding + 1);
        const auto top = static_cast<std::int64_t>(generator.below(window));
        const auto left = static_cast<std::int64_t>(generator.below(window));
        apply([&](const T* src, T* dst) { crop_one(src, dst, g, options.crop_padding, top, left); });
      }
      if (options.hflip > 0 && generator.uniform() < options.hflip)
        apply([&](const T* src, T* dst) { hflip_one(src, dst, g); });
      if (moves) {
        const double degrees = options.rotation > 0 ? symmetric(generator, options.rotation) : 0.0;
        std::int64_t tx = 0, ty = 0;
        if (options.translate > 0) {
          tx = static_cast<std::int64_t>(std::nearbyint(symmetric(generator, options.translate * g.width)));
          ty = static_cast<std::int64_t>(std::nearbyint(symmetric(generator, options.translate * g.height)));
        }
        apply([&](const T* src, T* dst) { affine_one(src, dst, g, degrees, tx, ty); });
      }
    }
  });
}

}  // namespace descent::data
