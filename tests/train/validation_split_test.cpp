// [data] validation on IDX files written here and on inline rows: the examples after train_limit (or
// the last N) become the validation set, in order, and leave the training part; "standardize" takes its
// statistics from the training part alone (computed here from the bytes, as numpy's mean and
// std(ddof = 0) of bytes / 255) and applies them to the validation set too; a split that leaves no
// training example, or asks for more than the file has, is a ConfigError with the counts.
#include "descent/train/validation_split.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "data/idx_files.hpp"
#include "descent/error.hpp"
#include "descent/train/datasets.hpp"

namespace descent::train {
namespace {

using data::testing::Bytes;
using data::testing::error_message;
using data::testing::expect_contains;
using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_raw;

constexpr std::uint32_t kSplitTrain = 6, kSplitTest = 2, kSplitPixels = 4;

Bytes split_pixels(std::uint32_t n, std::uint32_t salt) {
  Bytes out(n * kSplitPixels);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>((i * 53 + salt * 17 + 5) % 256);
  return out;
}

class ValidationSplit : public ::testing::Test {
 protected:
  void SetUp() override {
    write_raw(dir_.file("train-images-idx3-ubyte"), idx_bytes({kSplitTrain, 2, 2}, split_pixels(kSplitTrain, 0)));
    write_raw(dir_.file("train-labels-idx1-ubyte"), idx_bytes({kSplitTrain}, {0, 1, 2, 3, 4, 5}));
    write_raw(dir_.file("t10k-images-idx3-ubyte"), idx_bytes({kSplitTest, 2, 2}, split_pixels(kSplitTest, 1)));
    write_raw(dir_.file("t10k-labels-idx1-ubyte"), idx_bytes({kSplitTest}, {1, 0}));
  }
  TrainData load(const std::string& data) {
    return load_data(parse_config_string("[model]\nlayers = [4, 6]\n[data]\nclasses = 6\n" + data, "cfg.toml"),
                     dir_.path());
  }
  static std::vector<std::int64_t> labels(const data::Dataset& d) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < d.size(); ++i) out.push_back(d.targets.data<std::int64_t>()[i]);
    return out;
  }
  TempDir dir_;
};

using V = std::vector<std::int64_t>;

TEST_F(ValidationSplit, AfterTrainLimitOrTheLastN) {
  // Labels are the example indices: train_limit = 3 and validation = 2 give examples 0-2 and 3-4.
  const TrainData limited = load("train_limit = 3\nvalidation = 2\n");
  EXPECT_EQ(labels(limited.train), (V{0, 1, 2}));
  EXPECT_EQ(labels(limited.validation), (V{3, 4}));
  // The validation images are the file's, pixels / 255.
  const Bytes bytes = split_pixels(kSplitTrain, 0);
  const std::vector<double> v = limited.validation.inputs().to_vector();
  ASSERT_EQ(v.size(), 2u * kSplitPixels);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_FLOAT_EQ(v[i], bytes[3 * kSplitPixels + i] / 255.0f) << i;
  // No limit: the last N.
  const TrainData last = load("validation = 2\n");
  EXPECT_EQ(labels(last.train), (V{0, 1, 2, 3}));
  EXPECT_EQ(labels(last.validation), (V{4, 5}));
  EXPECT_EQ(last.test.size(), kSplitTest);
  // None by default.
  EXPECT_EQ(load("").validation.size(), 0);
  // normalize = "none": the validation bytes as numbers too.
  EXPECT_EQ(load("validation = 1\nnormalize = \"none\"\n").validation.inputs().to_vector()[0], bytes[5 * kSplitPixels]);
}

TEST_F(ValidationSplit, StandardizeUsesTheTrainingPartAlone) {
  const TrainData d = load("validation = 2\nnormalize = \"standardize\"\n");
  const Bytes bytes = split_pixels(kSplitTrain, 0);
  double sum = 0, squares = 0;
  const int n = 4 * kSplitPixels;  // the training part: examples 0-3
  for (int i = 0; i < n; ++i) sum += bytes[i] / 255.0;
  const double mean = sum / n;
  for (int i = 0; i < n; ++i) squares += std::pow(bytes[i] / 255.0 - mean, 2);
  const double std = std::sqrt(squares / n);
  ASSERT_TRUE(d.input_stats);
  EXPECT_NEAR(d.input_stats->mean[0], mean, 1e-6);  // from float32 inputs
  EXPECT_NEAR(d.input_stats->std[0], std, 1e-6);
  const std::vector<double> v = d.validation.inputs().to_vector(), t = d.train.inputs().to_vector();
  for (std::size_t i = 0; i < v.size(); ++i)
    EXPECT_NEAR(v[i], (bytes[4 * kSplitPixels + i] / 255.0 - mean) / std, 1e-5) << i;
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], (bytes[i] / 255.0 - mean) / std, 1e-5) << i;
}

TEST_F(ValidationSplit, InlineRowsHoldOutTheLast) {
  const TrainData d = load_data(parse_config_string("[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\n"
                                                    "inputs = [[1], [2], [3]]\ntargets = [[10], [20], [30]]\n"
                                                    "validation = 1\n",
                                                    "cfg.toml"),
                                "");
  EXPECT_EQ(d.train.inputs().to_vector(), (std::vector<double>{1, 2}));
  EXPECT_EQ(d.test.targets.to_vector(), (std::vector<double>{10, 20}));  // the test set is the training rows
  EXPECT_EQ(d.validation.inputs().to_vector(), (std::vector<double>{3}));
  EXPECT_EQ(d.validation.targets.to_vector(), (std::vector<double>{30}));
}

TEST_F(ValidationSplit, TooFewExamplesNameTheCounts) {
  expect_contains(error_message<ConfigError>([&] { load("validation = 6\n"); }),
                  {"cfg.toml: data.validation = 6: expected validation < 6, the training examples in " + dir_.path(),
                   "leaves none to train on"});
  expect_contains(error_message<ConfigError>([&] { load("train_limit = 5\nvalidation = 2\n"); }),
                  {"cfg.toml: data.validation = 2 after data.train_limit = 5: expected train_limit + validation <= 6",
                   "(7 asked)"});
  EXPECT_NO_THROW(load("train_limit = 4\nvalidation = 2\n"));
}

}  // namespace
}  // namespace descent::train
