// load_data with [data] normalize on IDX files written here: "unit" is pixels / 255, "none" the bytes,
// "standardize" transforms.Normalize with the training set's per-channel mean and population std (after
// train_limit) for both sets, Siamese pairs drawn from the standardized images. The reference values
// are computed here from the bytes, in double, as numpy would: mean and std(ddof = 0) of bytes / 255.
// Then each bad value of normalize: a ConfigError naming the file, the key and the value.
#include "descent/train/datasets.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "config_error.hpp"
#include "data/idx_files.hpp"
#include "descent/error.hpp"

namespace descent::train {
namespace {

using data::testing::Bytes;
using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_gz;

constexpr std::uint32_t kDatasetsTrain = 6, kDatasetsTest = 4, kDatasetsPixels = 8;  // images of 2 x 4 pixels

Bytes dataset_pixels(std::uint32_t n, std::uint32_t salt) {
  Bytes out(n * kDatasetsPixels);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>((i * 37 + salt * 101 + 11) % 256);
  return out;
}

class LoadData : public ::testing::Test {
 protected:
  void SetUp() override {
    write_gz(dir_.file("train-images-idx3-ubyte.gz"),
             idx_bytes({kDatasetsTrain, 2, 4}, dataset_pixels(kDatasetsTrain, 0)));
    write_gz(dir_.file("train-labels-idx1-ubyte.gz"), idx_bytes({kDatasetsTrain}, {0, 1, 0, 1, 1, 0}));
    write_gz(dir_.file("t10k-images-idx3-ubyte.gz"),
             idx_bytes({kDatasetsTest, 2, 4}, dataset_pixels(kDatasetsTest, 1)));
    write_gz(dir_.file("t10k-labels-idx1-ubyte.gz"), idx_bytes({kDatasetsTest}, {1, 0, 1, 0}));
  }

  TrainData load(const std::string& model, const std::string& data) {
    return load_data(parse_config_string(model + "[data]\nclasses = 2\n" + data, "cfg.toml"), dir_.path());
  }

  TempDir dir_;
};

const std::string kDatasetsMlp = "[model]\nlayers = [8, 2]\n";

// Mean and population std of bytes / 255 over the first `n` images, channel c of `channels`.
std::pair<double, double> reference_stats(const Bytes& bytes, std::uint32_t n, int channels, int c) {
  const std::uint32_t per = kDatasetsPixels / channels;
  double sum = 0, squares = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t k = 0; k < per; ++k) sum += bytes[i * kDatasetsPixels + c * per + k] / 255.0;
  const double mean = sum / (n * per);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t k = 0; k < per; ++k)
      squares += std::pow(bytes[i * kDatasetsPixels + c * per + k] / 255.0 - mean, 2);
  return {mean, std::sqrt(squares / (n * per))};
}

// Each input against (bytes / 255 - mean[c]) / std[c], the statistics of the first `n` training images.
void expect_standardized(const Tensor& inputs, const Bytes& bytes, std::uint32_t n, int channels) {
  const Bytes train = dataset_pixels(kDatasetsTrain, 0);
  const std::vector<double> v = inputs.to_vector();
  ASSERT_EQ(v.size(), bytes.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const int c = static_cast<int>((i % kDatasetsPixels) / (kDatasetsPixels / channels));
    const auto [mean, std] = reference_stats(train, n, channels, c);
    EXPECT_NEAR(v[i], (bytes[i] / 255.0 - mean) / std, 1e-5) << i;
  }
}

TEST_F(LoadData, UnitIsPixelsOver255AndNoneTheBytes) {
  const Bytes train = dataset_pixels(kDatasetsTrain, 0);
  const TrainData unit = load(kDatasetsMlp, "normalize = \"unit\"\n");
  const TrainData plain = load(kDatasetsMlp, "");
  const TrainData none = load(kDatasetsMlp, "normalize = \"none\"\n");
  const std::vector<double> u = unit.train.inputs().to_vector(), p = plain.train.inputs().to_vector(),
                            n = none.train.inputs().to_vector();
  for (std::size_t i = 0; i < train.size(); ++i) {
    EXPECT_FLOAT_EQ(u[i], train[i] / 255.0f) << i;
    EXPECT_EQ(p[i], u[i]) << i;
    EXPECT_EQ(n[i], train[i]) << i;
  }
  EXPECT_EQ(none.test.inputs().to_vector()[3], dataset_pixels(kDatasetsTest, 1)[3]);
}

TEST_F(LoadData, StandardizeUsesTheTrainingStatisticsForBothSets) {
  const TrainData d = load(kDatasetsMlp, "normalize = \"standardize\"\n");
  expect_standardized(d.train.inputs(), dataset_pixels(kDatasetsTrain, 0), kDatasetsTrain, 1);
  expect_standardized(d.test.inputs(), dataset_pixels(kDatasetsTest, 1), kDatasetsTrain, 1);
  // over the training set: mean 0, std 1
  double sum = 0, squares = 0;
  for (double x : d.train.inputs().to_vector()) {
    sum += x;
    squares += x * x;
  }
  EXPECT_NEAR(sum / (kDatasetsTrain * kDatasetsPixels), 0.0, 1e-6);
  EXPECT_NEAR(std::sqrt(squares / (kDatasetsTrain * kDatasetsPixels)), 1.0, 1e-6);
}

TEST_F(LoadData, StandardizeAfterTrainLimitAndPerChannel) {
  const TrainData limited = load(kDatasetsMlp, "normalize = \"standardize\"\ntrain_limit = 4\n");
  expect_standardized(limited.test.inputs(), dataset_pixels(kDatasetsTest, 1), 4, 1);
  // input_shape [2, 2, 2]: two channels of four pixels each
  const std::string layered =
      "[model]\ninput_shape = [2, 2, 2]\n[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\n"
      "out_features = 2\n";
  const TrainData two = load(layered, "normalize = \"standardize\"\n");
  expect_standardized(two.train.inputs(), dataset_pixels(kDatasetsTrain, 0), kDatasetsTrain, 2);
  expect_standardized(two.test.inputs(), dataset_pixels(kDatasetsTest, 1), kDatasetsTrain, 2);
}

// A pair's two halves are standardized training images.
TEST_F(LoadData, SiamesePairsAreBuiltFromTheNormalizedImages) {
  const TrainData d = load("[model]\nlayers = [8, 3]\nsiamese = \"cosine\"\n[loss]\nname = \"cosine_embedding\"\n",
                           "normalize = \"standardize\"\ntrain_pairs = 5\ntest_pairs = 3\n");
  ASSERT_TRUE(d.pairs);
  const TrainData images = load(kDatasetsMlp, "normalize = \"standardize\"\n");
  const std::vector<double> rows = images.train.inputs().to_vector(), pairs = d.train.inputs().to_vector();
  ASSERT_EQ(pairs.size(), 5u * 2 * kDatasetsPixels);
  for (std::size_t half = 0; half < 10; ++half) {
    bool found = false;
    for (std::size_t r = 0; r < kDatasetsTrain && !found; ++r)
      found = std::equal(pairs.begin() + half * kDatasetsPixels, pairs.begin() + (half + 1) * kDatasetsPixels,
                         rows.begin() + r * kDatasetsPixels);
    EXPECT_TRUE(found) << half;
  }
}

TEST_F(LoadData, StandardizeRefusesAConstantChannel) {
  write_gz(dir_.file("train-images-idx3-ubyte.gz"),
           idx_bytes({kDatasetsTrain, 2, 4}, Bytes(kDatasetsTrain * kDatasetsPixels, 51)));
  try {
    load(kDatasetsMlp, "normalize = \"standardize\"\n");
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "cfg.toml: data.normalize = \"standardize\": channel 0 of the training set has standard deviation 0 "
                 "(every value is 0.2): expected \"unit\" or \"none\" for constant inputs");
  }
}

// ---- bad values ----

TEST(NormalizeKey, BadValues) {
  EXPECT_EQ(config_error(kDatasetsMlp + "[data]\nclasses = 2\nnormalize = \"zscore\"\n"),
            "cfg.toml: data.normalize = \"zscore\": expected one of unit, none, standardize");
  EXPECT_EQ(config_error(kDatasetsMlp + "[data]\nclasses = 2\nnormalize = 255\n"),
            "cfg.toml: data.normalize = 255: expected one of unit, none, standardize");
  EXPECT_EQ(config_error(kDatasetsMlp + "[data]\nclasses = 2\nnormalize = true\n"),
            "cfg.toml: data.normalize = true: expected one of unit, none, standardize");
}

TEST(NormalizeKey, NotWithInlineData) {
  for (const char* how : {"unit", "none", "standardize"})
    EXPECT_EQ(config_error("[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[0.5]]\ntargets = "
                           "[[0.1]]\nnormalize = \"" +
                           std::string(how) + "\"\n"),
              "cfg.toml: data.normalize = \"" + std::string(how) +
                  "\": expected no normalize with inline data: data.inputs are used as written");
}

}  // namespace
}  // namespace descent::train
