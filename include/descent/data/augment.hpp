#pragma once
// Random image transforms for training, as torchvision's: RandomCrop(size, padding), then
// RandomHorizontalFlip(p), then RandomAffine(degrees, translate), each drawn anew for every image of
// every batch from a seeded generator (DataLoader applies them, data_loader.hpp). Pixels that come from
// outside the image are 0, as torchvision's default fill. Only the training batches are transformed.
//
//   [data] augment = {crop_padding = 2, hflip = 0.5, rotation = 10, translate = 0.1}
#include <cstdint>
#include <vector>

#include "descent/tensor/generator.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::data {

struct AugmentOptions {
  // RandomCrop(size=(H, W), padding=crop_padding): pad every side with this many zeros, then cut an
  // H x W window at a uniform offset (top and left each in [0, 2 * crop_padding]). 0: off.
  std::int64_t crop_padding = 0;
  // RandomHorizontalFlip(p=hflip): mirror left-right with this probability, in [0, 1]. 0: off.
  double hflip = 0;
  // RandomAffine(degrees=rotation, translate=(translate, translate)): rotate about the image's centre by
  // an angle uniform in [-rotation, rotation] degrees, then shift by whole pixels drawn uniform in
  // [-translate * W, translate * W] (and H for the rows), rounded; nearest pixel. 0: off.
  double rotation = 0;
  double translate = 0;

  bool any() const { return crop_padding > 0 || hflip > 0 || rotation > 0 || translate > 0; }
};

// The single transforms on images (C, H, W), or batches of them (N, C, H, W), of a float dtype, each a
// new tensor; every image is transformed alike. For tests and for users composing their own.
// out[y, x] = in[y + top - padding, x + left - padding], 0 outside: the H x W window at (top, left) of
// the image padded with `padding` zeros on every side.
Tensor crop(const Tensor& images, std::int64_t padding, std::int64_t top, std::int64_t left);
// out[y, x] = in[y, W - 1 - x].
Tensor hflip(const Tensor& images);
// Rotated counter-clockwise (as seen with row 0 on top) by `degrees` about the centre ((W-1)/2, (H-1)/2),
// then shifted right by tx and down by ty pixels; each output pixel takes the nearest input pixel, 0
// when that lies outside. RandomAffine draws its angles symmetrically, so the direction is a convention.
Tensor affine(const Tensor& images, double degrees, std::int64_t tx, std::int64_t ty);

// Every row of `batch` (B, C*H*W), an image of `image_shape` (C, H, W), transformed in place by the
// random pipeline: for each image in order, crop (draws top then left), flip (draws one uniform),
// affine (draws the angle, then tx, then ty), each drawn only when set. ValueError when the shapes
// disagree or an option is out of range.
void augment_(Tensor& batch, const std::vector<std::int64_t>& image_shape, const AugmentOptions& options,
              Generator& generator);

}  // namespace descent::data
