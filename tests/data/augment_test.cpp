// The image transforms on small images whose results are written out by hand: a flip reverses the
// columns; a padded crop shifts the image and fills zeros; a rotation by 90 degrees is NumPy's
// np.rot90 (counter-clockwise), by 180 both flips; a translation shifts whole pixels in. Then the random
// pipeline: zero options change nothing and draw nothing, hflip = 1 always flips, the draws follow the
// documented order (so a seed gives the transform computed here), the same seed repeats, and the
// DataLoader transforms its batches without touching the data set.
#include "descent/data/augment.hpp"

#include <gtest/gtest.h>

#include "data/idx_files.hpp"
#include "descent/data/data_loader.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::data {
namespace {

using testing::error_message;
using testing::expect_contains;
using V = std::vector<double>;

// [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as one channel (1, 3, 3).
Tensor image3() { return from_vector(V{1, 2, 3, 4, 5, 6, 7, 8, 9}, Shape{1, 3, 3}, Dtype::Float32); }

TEST(Augment, FlipReversesColumns) { EXPECT_EQ(hflip(image3()).to_vector(), (V{3, 2, 1, 6, 5, 4, 9, 8, 7})); }

TEST(Augment, CropOfThePaddedImageShiftsAndFillsZeros) {
  EXPECT_EQ(crop(image3(), 1, 1, 1).to_vector(), image3().to_vector());  // the centred window
  EXPECT_EQ(crop(image3(), 1, 0, 0).to_vector(), (V{0, 0, 0, 0, 1, 2, 0, 4, 5}));
  EXPECT_EQ(crop(image3(), 1, 2, 1).to_vector(), (V{4, 5, 6, 7, 8, 9, 0, 0, 0}));
  EXPECT_EQ(crop(image3(), 2, 4, 0).to_vector(), (V{0, 0, 7, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(crop(image3(), 0, 0, 0).to_vector(), image3().to_vector());
  expect_contains(error_message<ValueError>([] { crop(image3(), 1, 3, 0); }), {"top 3", "[0, 2 * padding]"});
}

TEST(Augment, RotationsByRightAnglesMapPixelsExactly) {
  EXPECT_EQ(affine(image3(), 90, 0, 0).to_vector(), (V{3, 6, 9, 2, 5, 8, 1, 4, 7}));  // np.rot90
  EXPECT_EQ(affine(image3(), -90, 0, 0).to_vector(), (V{7, 4, 1, 8, 5, 2, 9, 6, 3}));
  EXPECT_EQ(affine(image3(), 180, 0, 0).to_vector(), (V{9, 8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(affine(image3(), 0, 0, 0).to_vector(), image3().to_vector());
  // An even size turns about the centre between pixels: np.rot90 of each channel of (2, 4, 4),
  // out[c, y, x] = in[c, x, W - 1 - y].
  V in(32), expected(32);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<double>(i);
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) expected[c * 16 + y * 4 + x] = in[c * 16 + x * 4 + (3 - y)];
  EXPECT_EQ(affine(from_vector(in, Shape{2, 4, 4}, Dtype::Float64), 90, 0, 0).to_vector(), expected);
}

TEST(Augment, TranslationShiftsWholePixels) {
  EXPECT_EQ(affine(image3(), 0, 1, 0).to_vector(), (V{0, 1, 2, 0, 4, 5, 0, 7, 8}));   // right
  EXPECT_EQ(affine(image3(), 0, 0, -1).to_vector(), (V{4, 5, 6, 7, 8, 9, 0, 0, 0}));  // up
  // Rotation first, then the shift: np.rot90, then one column right.
  EXPECT_EQ(affine(image3(), 90, 1, 0).to_vector(), (V{0, 3, 6, 0, 2, 5, 0, 1, 4}));
}

TEST(Augment, BatchesOfImagesTransformEachAlike) {
  const Tensor two =
      from_vector(V{1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1}, Shape{2, 1, 3, 3}, Dtype::Float32);
  EXPECT_EQ(hflip(two).to_vector(), (V{3, 2, 1, 6, 5, 4, 9, 8, 7, 7, 8, 9, 4, 5, 6, 1, 2, 3}));
  expect_contains(error_message<ValueError>([] { hflip(Tensor::empty(Shape{9})); }), {"hflip", "(C, H, W)", "[9]"});
}

// A batch (B, 9) of B copies of image3().
Tensor batch_of(std::int64_t b) {
  V v;
  for (std::int64_t i = 0; i < b; ++i)
    for (double x : image3().to_vector()) v.push_back(x);
  return from_vector(v, Shape{b, 9}, Dtype::Float32);
}

const std::vector<std::int64_t> kShape = {1, 3, 3};

TEST(Augment, ZeroOptionsAreTheIdentityAndDrawNothing) {
  Tensor batch = batch_of(4);
  Generator g(7);
  const std::string state = g.state();
  augment_(batch, kShape, {}, g);
  EXPECT_EQ(batch.to_vector(), batch_of(4).to_vector());
  EXPECT_EQ(g.state(), state);
  EXPECT_FALSE(AugmentOptions{}.any());
}

TEST(Augment, DrawsInTheDocumentedOrder) {
  Tensor flipped = batch_of(3);
  Generator g(1);
  augment_(flipped, kShape, {.hflip = 1}, g);
  EXPECT_EQ(flipped.to_vector(), hflip(batch_of(3).reshape({3, 1, 3, 3})).to_vector());

  // crop: top, left = below(2p + 1) each; then flip: uniform() < p; then affine: the angle, tx, ty.
  const AugmentOptions all = {.crop_padding = 1, .hflip = 0.5, .rotation = 30, .translate = 0.34};
  Tensor batch = batch_of(5);
  Generator draws(42);
  augment_(batch, kShape, all, draws);
  Generator replay(42);
  for (std::int64_t i = 0; i < 5; ++i) {
    const auto top = static_cast<std::int64_t>(replay.below(3)), left = static_cast<std::int64_t>(replay.below(3));
    Tensor expected = crop(image3(), 1, top, left);
    if (replay.uniform() < 0.5) expected = hflip(expected);
    const double angle = (2 * replay.uniform() - 1) * 30;
    const double tx = std::nearbyint((2 * replay.uniform() - 1) * 0.34 * 3);
    const double ty = std::nearbyint((2 * replay.uniform() - 1) * 0.34 * 3);
    expected = affine(expected, angle, static_cast<std::int64_t>(tx), static_cast<std::int64_t>(ty));
    EXPECT_EQ(batch.slice(i, i + 1).to_vector(), expected.to_vector()) << "image " << i;
  }
  EXPECT_EQ(draws.state(), replay.state());
  // Not every image alike: the draws differ.
  EXPECT_NE(batch.slice(0, 1).to_vector(), batch.slice(1, 2).to_vector());
}

TEST(Augment, TheSameSeedRepeatsTheTransforms) {
  const AugmentOptions options = {.crop_padding = 2, .hflip = 0.5, .rotation = 10, .translate = 0.1};
  Tensor a = batch_of(6), b = batch_of(6), c = batch_of(6);
  Generator ga(3), gb(3), gc(4);
  augment_(a, kShape, options, ga);
  augment_(b, kShape, options, gb);
  augment_(c, kShape, options, gc);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_NE(a.to_vector(), c.to_vector());
  Tensor bad = batch_of(1);
  expect_contains(error_message<ValueError>([&] { augment_(bad, {1, 2, 2}, options, ga); }), {"image shape [1, 2, 2]"});
  expect_contains(error_message<ValueError>([&] { augment_(bad, kShape, {.hflip = 2}, ga); }), {"hflip = 2"});
}

TEST(Augment, TheDataLoaderTransformsBatchesNotTheDataSet) {
  Dataset d;
  d.set_inputs(batch_of(4));
  d.targets = from_vector(std::vector<std::int64_t>{0, 1, 0, 1}, Shape{4});
  d.image_shape = kShape;
  const V original = d.inputs().to_vector();
  DataLoader flips(d, {.batch_size = 4, .augment = {.hflip = 1}});
  Batch batch;
  ASSERT_TRUE(flips.next(batch));
  EXPECT_EQ(batch.inputs.to_vector(), hflip(batch_of(4).reshape({4, 1, 3, 3})).to_vector());
  EXPECT_EQ(d.inputs().to_vector(), original);

  // Seeded: two loaders of one seed draw the same transforms; a restored generator state repeats an epoch.
  const DataLoaderOptions options = {.batch_size = 2, .shuffle = true, .seed = 5, .augment = {.crop_padding = 1}};
  DataLoader a(d, options), b(d, options);
  std::vector<V> first;
  for (a.start_epoch(); a.next(batch);) first.push_back(batch.inputs.to_vector());
  std::size_t i = 0;
  for (b.start_epoch(); b.next(batch); ++i) EXPECT_EQ(batch.inputs.to_vector(), first[i]) << "batch " << i;
  const std::string state = a.generator_state();
  std::vector<V> second;
  for (a.start_epoch(); a.next(batch);) second.push_back(batch.inputs.to_vector());
  EXPECT_NE(second, first);  // a new epoch, new draws
  b.set_generator_state(state);
  i = 0;
  for (b.start_epoch(); b.next(batch); ++i) EXPECT_EQ(batch.inputs.to_vector(), second[i]) << "batch " << i;

  Dataset features = d;
  features.image_shape.clear();
  expect_contains(error_message<ValueError>([&] { DataLoader(features, {.augment = {.hflip = 0.5}}); }),
                  {"augment needs images", "image_shape"});
}

}  // namespace
}  // namespace descent::data
