#include "descent/data/dataset.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "data/idx_files.hpp"
#include "descent/data/data_loader.hpp"
#include "descent/error.hpp"

namespace descent::data {
namespace {

using testing::Bytes;
using testing::expect_contains;
using testing::idx_bytes;
using testing::TempDir;

// Three 2x2 images with pixels 0, 51, 102, ..., wrapping at 255, and labels 2, 0, 1.
const Bytes kPixels = {0, 51, 102, 153, 204, 255, 0, 51, 102, 153, 204, 255};
const Bytes kLabels = {2, 0, 1};

void write_pair(const TempDir& dir, const Bytes& labels = kLabels) {
  testing::write_raw(dir.file("images.idx"), idx_bytes({3, 2, 2}, kPixels));
  testing::write_gz(dir.file("labels.idx.gz"), idx_bytes({static_cast<std::uint32_t>(labels.size())}, labels));
}

std::string pair_error(const TempDir& dir, std::int64_t classes = 3) {
  return testing::error_message<IoError>(
      [&] { load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), classes, Dtype::Float32); });
}

TEST(IdxPairTest, LoadsScaledPixelsAndLabels) {
  TempDir dir;
  write_pair(dir);
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    const Dataset d = load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), 3, dtype);
    EXPECT_EQ(d.size(), 3);
    EXPECT_EQ(d.inputs().shape(), (Shape{3, 4}));
    EXPECT_EQ(d.inputs().dtype(), dtype);
    EXPECT_EQ(d.targets.dtype(), Dtype::Int64);
    const std::vector<double> x = d.inputs().to_vector();
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], kPixels[i] / 255.0, 1e-7) << "pixel " << i;
    EXPECT_EQ(d.targets.to_vector(), (std::vector<double>{2, 0, 1}));
  }
}

// The float rows of a set read from bytes are made only when asked for whole, and are then the rows
// the loader's batches and input_rows give, bit for bit; copies of the set share them.
TEST(IdxPairTest, RowsAsNumbersMadeOnDemandBitForBit) {
  TempDir dir;
  write_pair(dir);
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    const Dataset d = load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), 3, dtype);
    EXPECT_EQ(d.input_shape(), (Shape{3, 4}));
    EXPECT_EQ(d.input_dtype(), dtype);
    const std::vector<double> middle = d.input_rows(1, 2).to_vector();
    DataLoader loader(d, {.batch_size = 3});
    Batch batch;
    ASSERT_TRUE(loader.next(batch));
    EXPECT_FALSE(d.inputs_made());  // neither input_rows nor the loader made them
    const Dataset copy = d;
    EXPECT_EQ(d.inputs().to_vector(), batch.inputs.to_vector());
    EXPECT_TRUE(copy.inputs_made());  // made once, for both
    EXPECT_EQ(copy.inputs().raw_data(), d.inputs().raw_data());
    EXPECT_EQ(d.input_rows(1, 2).to_vector(), middle);
    for (std::size_t i = 0; i < 4; ++i)  // byte * (1 / 255), each rounded in the dtype, as load_idx_pair did
      EXPECT_EQ(middle[4 + i], dtype == Dtype::Float32 ? static_cast<double>(static_cast<float>(kPixels[8 + i]) *
                                                                             static_cast<float>(1.0 / 255))
                                                       : kPixels[8 + i] * (1.0 / 255));
  }
  const Dataset d = load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), 3, Dtype::Float32);
  EXPECT_THROW(d.input_rows(2, 2), ValueError);
}

TEST(IdxPairTest, LimitKeepsTheFirstExamples) {
  TempDir dir;
  write_pair(dir);
  const Dataset two = load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), 3, Dtype::Float32, 2);
  EXPECT_EQ(two.inputs().shape(), (Shape{2, 4}));
  EXPECT_EQ(two.targets.to_vector(), (std::vector<double>{2, 0}));
  const Dataset all = load_idx_pair(dir.file("images.idx"), dir.file("labels.idx.gz"), 3, Dtype::Float32, 100);
  EXPECT_EQ(all.size(), 3);
}

TEST(IdxPairTest, CountMismatchNamesBothFiles) {
  TempDir dir;
  write_pair(dir, {0, 1});
  expect_contains(pair_error(dir), {dir.file("images.idx"), "3 images", dir.file("labels.idx.gz"), "2 labels"});
}

TEST(IdxPairTest, ImagesMustBeThreeDimensional) {
  TempDir dir;
  write_pair(dir);
  testing::write_raw(dir.file("images.idx"), idx_bytes({3, 4}, kPixels));
  expect_contains(pair_error(dir), {dir.file("images.idx"), "expected 3 dimensions", "got [3, 4]"});
}

TEST(IdxPairTest, LabelsMustBeOneDimensional) {
  TempDir dir;
  write_pair(dir);
  testing::write_gz(dir.file("labels.idx.gz"), idx_bytes({3, 1}, kLabels));
  expect_contains(pair_error(dir), {dir.file("labels.idx.gz"), "expected 1 dimension", "got [3, 1]"});
}

TEST(IdxPairTest, LabelOutOfRange) {
  TempDir dir;
  write_pair(dir, {1, 0, 7});
  expect_contains(pair_error(dir), {dir.file("labels.idx.gz"), "example 2", "label 7", "outside [0, 3)"});
}

TEST(IdxPairTest, RejectsBadArguments) {
  TempDir dir;
  write_pair(dir);
  const std::string images = dir.file("images.idx"), labels = dir.file("labels.idx.gz");
  EXPECT_THROW(load_idx_pair(images, labels, 0, Dtype::Float32), ValueError);
  EXPECT_THROW(load_idx_pair(images, labels, 3, Dtype::Float32, -1), ValueError);
  EXPECT_THROW(load_idx_pair(images, labels, 3, Dtype::Int64), ValueError);
}

TEST(MnistTest, AcceptsCompressedAndRawNames) {
  TempDir dir;
  testing::write_gz(dir.file("train-images-idx3-ubyte.gz"), idx_bytes({3, 2, 2}, kPixels));
  testing::write_raw(dir.file("train-labels-idx1-ubyte"), idx_bytes({3}, kLabels));
  EXPECT_FALSE(has_idx_files(dir.path()));
  const Dataset train = load_mnist(dir.path(), true, 10, Dtype::Float32);
  EXPECT_EQ(train.size(), 3);

  testing::write_raw(dir.file("t10k-images-idx3-ubyte"), idx_bytes({1, 2, 2}, {0, 0, 0, 255}));
  testing::write_gz(dir.file("t10k-labels-idx1-ubyte.gz"), idx_bytes({1}, {9}));
  EXPECT_TRUE(has_idx_files(dir.path()));
  const Dataset test = load_mnist(dir.path(), false, 10, Dtype::Float64);
  EXPECT_EQ(test.inputs().shape(), (Shape{1, 4}));
  EXPECT_EQ(test.targets.item(), 9);
}

TEST(MnistTest, MissingFilesNameDirectoryAndNames) {
  TempDir dir;
  const std::string message =
      testing::error_message<IoError>([&] { load_mnist(dir.path(), false, 10, Dtype::Float32); });
  expect_contains(message, {dir.path(),
                            "missing t10k-images-idx3-ubyte.gz (or t10k-images-idx3-ubyte), "
                            "t10k-labels-idx1-ubyte.gz (or t10k-labels-idx1-ubyte)"});
  EXPECT_FALSE(has_idx_files(dir.path()));
}

// Debian's fashion-mnist package, when installed: the real files through the same loader.
TEST(MnistTest, LoadsDebianFashionMnist) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!has_idx_files(dir)) GTEST_SKIP() << "Fashion-MNIST not found in " << dir << " (Debian package fashion-mnist)";
  for (const bool train : {true, false}) {
    const Dataset d = load_mnist(dir, train, 10, Dtype::Float32);
    ASSERT_EQ(d.size(), train ? 60000 : 10000);
    EXPECT_EQ(d.inputs().shape(), (Shape{d.size(), 784}));
    const float* x = d.inputs().data<float>();
    const auto [lo, hi] = std::minmax_element(x, x + d.inputs().numel());
    EXPECT_EQ(*lo, 0.0f);
    EXPECT_LE(*hi, 1.0f);
    EXPECT_GT(*hi, 0.9f);
    const std::int64_t* y = d.targets.data<std::int64_t>();
    const std::set<std::int64_t> classes(y, y + d.size());
    EXPECT_EQ(classes, (std::set<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  }
}

}  // namespace
}  // namespace descent::data
