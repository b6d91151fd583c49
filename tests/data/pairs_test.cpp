#include "descent/data/pairs.hpp"

#include <gtest/gtest.h>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::data {
namespace {

// 30 examples of 3 features, labels 0, 1, 2 in turn; feature 0 is the row index, so each pair's rows
// can be read back from its inputs. Pixels are the row index too.
Dataset labelled() {
  std::vector<double> x;
  std::vector<std::int64_t> y;
  Tensor pixels = Tensor::empty({30, 3}, Dtype::UInt8);
  for (std::int64_t i = 0; i < 30; ++i) {
    x.insert(x.end(), {static_cast<double>(i) * 0.5, 1.0, 2.0});
    y.push_back(i % 3);
    for (int k = 0; k < 3; ++k) pixels.data<std::uint8_t>()[i * 3 + k] = static_cast<std::uint8_t>(k == 0 ? i : 2 * k);
  }
  Dataset d;
  d.targets = from_vector(y, {30});
  d.set_pixels(pixels, 0.5, Dtype::Float64);
  d.set_inputs(from_vector(x, {30, 3}, Dtype::Float64));  // pixels * 0.5, kept when the pixels are dropped
  return d;
}

TEST(Pairs, BalancedSeededAndTrueToTheLabels) {
  const Dataset source = labelled();
  const Dataset pairs = make_pairs(source, {.count = 200, .seed = 7});
  ASSERT_EQ(pairs.inputs().shape(), (Shape{200, 6}));
  ASSERT_EQ(pairs.pixels.shape(), (Shape{200, 6}));
  EXPECT_EQ(pairs.pixels.dtype(), Dtype::UInt8);
  EXPECT_EQ(pairs.pixel_scale, 0.5);
  ASSERT_EQ(pairs.targets.shape(), (Shape{200}));
  EXPECT_EQ(pairs.targets.dtype(), Dtype::Float64);
  const std::vector<double> x = pairs.inputs().to_vector(), t = pairs.targets.to_vector(), p = pairs.pixels.to_vector();
  int similar = 0;
  for (std::int64_t i = 0; i < 200; ++i) {
    const auto a = static_cast<std::int64_t>(x[i * 6] * 2), b = static_cast<std::int64_t>(x[i * 6 + 3] * 2);
    EXPECT_EQ(p[i * 6], static_cast<double>(a));  // pixels hold the same rows as inputs
    EXPECT_EQ(p[i * 6 + 3], static_cast<double>(b));
    for (std::int64_t k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ(x[i * 6 + k], p[i * 6 + k] * 0.5) << i << "," << k;
    if (t[i] == 1) {
      ++similar;
      EXPECT_EQ(a % 3, b % 3) << "pair " << i;
      EXPECT_NE(a, b) << "pair " << i;
    } else {
      EXPECT_EQ(t[i], -1);
      EXPECT_NE(a % 3, b % 3) << "pair " << i;
    }
  }
  EXPECT_EQ(similar, 100);
  EXPECT_EQ(make_pairs(source, {.count = 200, .seed = 7}).inputs().to_vector(), x);
  EXPECT_NE(make_pairs(source, {.count = 200, .seed = 8}).inputs().to_vector(), x);
}

TEST(Pairs, ContrastiveLabelsAndNoPixels) {
  Dataset source = labelled();
  source.pixels = Tensor();
  const Dataset pairs = make_pairs(source, {.count = 5, .seed = 1, .similar = 1, .dissimilar = 0});
  EXPECT_FALSE(pairs.pixels.defined());
  EXPECT_EQ(pairs.targets.to_vector(), (std::vector<double>{1, 0, 1, 0, 1}));
}

TEST(Pairs, RejectsWhatCannotBePaired) {
  const Dataset source = labelled();
  EXPECT_THROW(make_pairs(source, {.count = 0}), ValueError);
  Dataset one_class = source;
  one_class.targets = from_vector(std::vector<std::int64_t>(30, 4), {30});
  EXPECT_THROW(make_pairs(one_class, {.count = 4}), ValueError);
  Dataset float_targets = source;
  float_targets.targets = zeros({30});
  EXPECT_THROW(make_pairs(float_targets, {.count = 4}), ValueError);
}

}  // namespace
}  // namespace descent::data
