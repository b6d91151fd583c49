// Input scaling as torchvision's transforms: channel_stats (numpy's mean and std with ddof = 0 over
// each channel, worked by hand below), normalize_ (transforms.Normalize: mean 0 and std 1 per channel
// over the set the statistics came from) and rescale_pixels_ (the bytes at another scale).
#include "descent/data/normalize.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/data/data_loader.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "idx_files.hpp"

namespace descent::data {
namespace {

using testing::error_message;

// Two examples of two channels of two values: channel 0 holds 1, 2, 3, 4 (mean 2.5, variance
// (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25), channel 1 holds 10, 20, 30, 40 (mean 25, variance 125).
TEST(ChannelStats, MeanAndPopulationStdPerChannel) {
  const Tensor x = from_vector(std::vector<double>{1, 2, 10, 20, 3, 4, 30, 40}, Shape{2, 4}, Dtype::Float64);
  const ChannelStats two = channel_stats(x, 2);
  ASSERT_EQ(two.mean.size(), 2u);
  EXPECT_DOUBLE_EQ(two.mean[0], 2.5);
  EXPECT_DOUBLE_EQ(two.std[0], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(two.mean[1], 25.0);
  EXPECT_DOUBLE_EQ(two.std[1], std::sqrt(125.0));
  // One channel: all eight values, mean 13.75, variance mean(x^2) - 13.75^2 = 3030 / 8 - 189.0625.
  const ChannelStats one = channel_stats(x, 1);
  EXPECT_DOUBLE_EQ(one.mean[0], 13.75);
  EXPECT_NEAR(one.std[0], std::sqrt(3030.0 / 8 - 13.75 * 13.75), 1e-12);
}

TEST(ChannelStats, ChannelsMustDivideTheFeatures) {
  const Tensor x = zeros(Shape{2, 6}, Dtype::Float64);
  EXPECT_EQ(error_message<ValueError>([&] { channel_stats(x, 4); }),
            "channel_stats: inputs of shape [2, 6] and 4 channels: expected (N, features), features a multiple of "
            "channels");
  EXPECT_THROW(channel_stats(zeros(Shape{0, 6}, Dtype::Float64), 1), ValueError);
}

Dataset random_set(std::int64_t n, std::uint64_t seed, double mean) {
  Generator gen(seed);
  Dataset d;
  d.set_inputs(uniform(Shape{n, 3 * 16}, mean - 1, mean + 3, Dtype::Float32, &gen));
  d.targets = zeros(Shape{n}, Dtype::Int64);
  return d;
}

// The training set standardized by its own statistics has mean 0 and std 1 in each channel; the test
// set gets the same affine map (x - mean_train) / std_train, not its own statistics.
TEST(Normalize, TrainingStatisticsForBothSets) {
  Dataset train = random_set(200, 1, 0.5), test = random_set(50, 2, 2.0);
  const Tensor test_before = test.inputs().clone();
  const ChannelStats stats = channel_stats(train.inputs(), 3);
  normalize_(train, stats);
  normalize_(test, stats);
  const ChannelStats after = channel_stats(train.inputs(), 3);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(after.mean[c], 0.0, 1e-6) << c;
    EXPECT_NEAR(after.std[c], 1.0, 1e-6) << c;
  }
  const std::vector<double> before = test_before.to_vector(), now = test.inputs().to_vector();
  for (std::size_t i = 0; i < now.size(); ++i) {
    const std::size_t c = (i % 48) / 16;
    EXPECT_NEAR(now[i], (before[i] - stats.mean[c]) / stats.std[c], 1e-5) << i;
  }
  EXPECT_GT(channel_stats(test.inputs(), 3).mean[0], 0.5);  // the test set's own mean is not removed
}

TEST(Normalize, DropsTheBytesAndTheLoaderGathersTheNewInputs) {
  Dataset d;
  d.targets = from_vector(std::vector<std::int64_t>{0, 1}, Shape{2});
  Tensor bytes = Tensor::empty(Shape{2, 2}, Dtype::UInt8);
  for (std::uint8_t k = 0; k < 4; ++k) bytes.data<std::uint8_t>()[k] = k;
  d.set_pixels(bytes, 1.0, Dtype::Float32);  // the rows 0, 1, 2, 3
  normalize_(d, {{1.5}, {0.5}});
  EXPECT_FALSE(d.pixels.defined());
  EXPECT_EQ(d.pixel_scale, 1.0);
  DataLoader loader(d, {.batch_size = 2});
  Batch batch;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.inputs.to_vector(), (std::vector<double>{-3, -1, 1, 3}));
}

TEST(Normalize, RefusesAZeroStd) {
  Dataset d = random_set(4, 3, 0.0);
  EXPECT_EQ(error_message<ValueError>([&] {
              normalize_(d, {{0.5, 0.5, 0.5}, {1.0, 0.0, 1.0}});
            }),
            "normalize_: channel 1 has standard deviation 0: expected std > 0 (every value of the channel is 0.5)");
  EXPECT_THROW(normalize_(d, {{0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}}), ValueError);  // 5 channels do not divide 48
  EXPECT_THROW(normalize_(d, {{0, 0, 0}, {1, 1}}), ValueError);                 // a std missing
}

TEST(RescalePixels, TheBytesAsNumbers) {
  Dataset d;
  d.targets = zeros(Shape{1}, Dtype::Int64);
  d.set_pixels(Tensor::empty(Shape{1, 3}, Dtype::UInt8), 1.0 / 255, Dtype::Float32);
  std::uint8_t* p = d.pixels.data<std::uint8_t>();
  p[0] = 0;
  p[1] = 17;
  p[2] = 255;
  rescale_pixels_(d, 1.0);
  EXPECT_EQ(d.inputs().to_vector(), (std::vector<double>{0, 17, 255}));
  EXPECT_EQ(d.pixel_scale, 1.0);
  EXPECT_TRUE(d.pixels.defined());
  Dataset no_bytes = random_set(2, 1, 0.0);
  EXPECT_THROW(rescale_pixels_(no_bytes, 1.0), ValueError);
}

}  // namespace
}  // namespace descent::data
