// Data fingerprints (train/data_fingerprint.hpp): the same examples give the same fingerprint whatever
// the dtype, scale or place they were read from; other examples, or other counts, a different one;
// the metadata round trip; and the check's message naming both data sets.
#include "descent/train/data_fingerprint.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::train {
namespace {

// `n` examples of 4 values: value i of example e is (e * 4 + i + salt) % 7 / 7; labels e % 3.
data::Dataset examples(std::int64_t n, int salt = 0, Dtype dtype = Dtype::Float32) {
  std::vector<double> x, y;
  for (std::int64_t e = 0; e < n; ++e) {
    for (std::int64_t i = 0; i < 4; ++i) x.push_back(static_cast<double>((e * 4 + i + salt) % 7) / 7.0);
    y.push_back(static_cast<double>(e % 3));
  }
  data::Dataset set;
  set.set_inputs(from_vector(x, Shape{n, 4}, dtype));
  set.targets = from_vector(y, Shape{n}, Dtype::Int64);
  return set;
}

TEST(DataFingerprint, TheSameExamplesGiveTheSameFingerprintWhereverTheyCameFrom) {
  const DataFingerprint a = fingerprint_data(examples(20), examples(5), "idx", "/data/a", {"train.gz"});
  const DataFingerprint b = fingerprint_data(examples(20), examples(5), "csv", "/elsewhere/b.csv");
  EXPECT_EQ(a.hash.size(), 16u);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_TRUE(same_data(a, b));
  EXPECT_EQ(a.train_examples, 20);
  EXPECT_EQ(a.test_examples, 5);
  // float64 inputs hash as their float32 values: the dtype is not the data.
  EXPECT_EQ(fingerprint_data(examples(20, 0, Dtype::Float64), examples(5, 0, Dtype::Float64), "idx", "").hash, a.hash);
}

TEST(DataFingerprint, OtherValuesOrCountsDiffer) {
  const DataFingerprint a = fingerprint_data(examples(20), examples(5), "idx", "/data/a");
  EXPECT_FALSE(same_data(a, fingerprint_data(examples(20, 1), examples(5), "idx", "/data/a")));  // other inputs
  EXPECT_FALSE(same_data(a, fingerprint_data(examples(20), examples(5, 1), "idx", "/data/a")));  // other test set
  EXPECT_FALSE(same_data(a, fingerprint_data(examples(21), examples(5), "idx", "/data/a")));     // one more
  data::Dataset relabelled = examples(20);
  relabelled.targets = from_vector(std::vector<double>(20, 1.0), Shape{20}, Dtype::Int64);
  EXPECT_FALSE(same_data(a, fingerprint_data(relabelled, examples(5), "idx", "/data/a")));
  // An example past the first kFingerprintExamples is not hashed, but the count still tells sets apart.
  EXPECT_EQ(fingerprint_data(examples(kFingerprintExamples + 5), examples(5), "idx", "").hash,
            fingerprint_data(examples(kFingerprintExamples + 5), examples(5), "idx", "").hash);
}

TEST(DataFingerprint, RawBytesAreHashedAsStoredWhateverTheScale) {
  // Sets that keep their bytes (IDX images) hash the bytes: normalize's scale leaves the hash alone.
  data::Dataset unit = examples(3), raw = examples(3);
  const std::vector<double> bytes = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
  unit.pixels = raw.pixels = from_vector(bytes, Shape{3, 4}, Dtype::UInt8);
  unit.pixel_scale = 1.0 / 255;
  raw.set_inputs(from_vector(bytes, Shape{3, 4}, Dtype::Float32));
  EXPECT_EQ(fingerprint_data(unit, unit, "idx", "").hash, fingerprint_data(raw, raw, "idx", "").hash);
}

TEST(DataFingerprint, RoundTripsThroughCheckpointMetadata) {
  const DataFingerprint a =
      fingerprint_data(examples(20), examples(5), "idx", "/data/mnist", {"train-images-idx3-ubyte.gz", "t10k"});
  std::map<std::string, std::string> metadata = {{"format", "x"}};
  write_fingerprint(a, metadata);
  const std::optional<DataFingerprint> b = read_fingerprint(metadata);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, "idx");
  EXPECT_EQ(b->source, "/data/mnist");
  EXPECT_EQ(b->files, a.files);
  EXPECT_EQ(b->train_examples, 20);
  EXPECT_EQ(b->test_examples, 5);
  EXPECT_EQ(b->hash, a.hash);
  EXPECT_FALSE(read_fingerprint({{"format", "x"}}));  // a checkpoint from before fingerprints
}

TEST(DataFingerprint, CheckNamesBothDataSetsOrWarnsWhenNoneIsRecorded) {
  const DataFingerprint mnist = fingerprint_data(examples(20), examples(5), "idx", "/data/mnist");
  const DataFingerprint fashion = fingerprint_data(examples(20, 3), examples(5, 3), "idx", "/usr/share/fashion");
  std::ostringstream warnings;
  EXPECT_NO_THROW(check_same_data("c.safetensors", mnist, mnist, warnings));
  EXPECT_EQ(warnings.str(), "");
  try {
    check_same_data("c.safetensors", mnist, fashion, warnings);
    ADD_FAILURE() << "no IoError";
  } catch (const IoError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.starts_with("c.safetensors was trained on idx data from /data/mnist: 20 training and 5 test")) << m;
    EXPECT_NE(m.find("but this run reads idx data from /usr/share/fashion: 20 training"), std::string::npos) << m;
    EXPECT_NE(m.find(mnist.hash), std::string::npos) << m;
    EXPECT_NE(m.find(fashion.hash), std::string::npos) << m;
  }
  check_same_data("old.safetensors", std::nullopt, fashion, warnings);
  EXPECT_NE(warnings.str().find("descent: warning: old.safetensors records no data set"), std::string::npos)
      << warnings.str();
  EXPECT_NE(warnings.str().find("/usr/share/fashion"), std::string::npos) << warnings.str();
}

}  // namespace
}  // namespace descent::train
