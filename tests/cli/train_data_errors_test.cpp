// `descent train` on bad data: every case of the data reader's errors, seen from the command line,
// with the message that names the file, offset, counts or value, and exit status 2. Also one good
// run end to end on generated data.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app.hpp"
#include "cli_run.hpp"
#include "data/idx_files.hpp"

namespace descent::cli {
namespace {

using data::testing::Bytes;
using data::testing::idx_bytes;
using data::testing::iota_bytes;
using data::testing::TempDir;
using data::testing::write_gz;
using data::testing::write_raw;

using testing::Result;

class TrainDataErrors : public ::testing::Test {
 protected:
  // A valid tiny data set: 6 training and 4 test images of 2 x 2 pixels, labels in [0, 2).
  void SetUp() override {
    write_images("train-images-idx3-ubyte.gz", 6);
    write_labels("train-labels-idx1-ubyte.gz", {0, 1, 0, 1, 1, 0});
    write_images("t10k-images-idx3-ubyte.gz", 4);
    write_labels("t10k-labels-idx1-ubyte.gz", {1, 0, 1, 0});
    std::ofstream(path("cfg.toml")) << "[model]\nlayers = [4, 3, 2]\n[data]\nclasses = 2\n[train]\nbatch_size = 2\n";
  }

  std::string path(const std::string& name) const { return dir_.file(name); }
  void write_images(const std::string& name, std::uint32_t n) {
    write_gz(path(name), idx_bytes({n, 2, 2}, iota_bytes(n * 4)));
  }
  void write_labels(const std::string& name, const Bytes& labels) {
    write_gz(path(name), idx_bytes({static_cast<std::uint32_t>(labels.size())}, labels, 0x08));
  }

  Result train() {
    std::ostringstream out, err;
    const int status = run({"train", path("cfg.toml"), "--data-dir", dir_.path()}, out, err);
    return {status, out.str(), err.str()};
  }

  void expect_error(const std::vector<std::string>& parts) {
    const Result r = train();
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(r.err.starts_with("descent: ")) << r.err;
    for (const auto& part : parts)
      EXPECT_NE(r.err.find(part), std::string::npos) << "expected '" << part << "' in: " << r.err;
  }

  TempDir dir_;
};

TEST_F(TrainDataErrors, ValidDataTrains) {
  const Result r = train();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Epoch 0: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" / 4"), std::string::npos) << r.out;
}

TEST_F(TrainDataErrors, MissingFile) {
  std::filesystem::remove(path("t10k-labels-idx1-ubyte.gz"));
  expect_error({dir_.path(), "t10k-labels-idx1-ubyte"});
}

TEST_F(TrainDataErrors, MissingDirectorySaysWhereItLooked) {
  std::ostringstream out, err;
  const int status = run({"train", path("cfg.toml"), "--data-dir", path("nowhere")}, out, err);
  EXPECT_EQ(status, 2);
  EXPECT_NE(err.str().find(path("nowhere")), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("DESCENT_DATA"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("apt-get install dataset-fashion-mnist"), std::string::npos) << err.str();
}

TEST_F(TrainDataErrors, TruncatedFile) {
  Bytes bytes = idx_bytes({6, 2, 2}, iota_bytes(6 * 4));
  bytes.resize(bytes.size() - 5);
  write_gz(path("train-images-idx3-ubyte.gz"), bytes);
  expect_error({"train-images-idx3-ubyte.gz", "byte 16", "expected 24 bytes", "found 19", "truncated"});
}

TEST_F(TrainDataErrors, WrongMagicNumber) {
  Bytes bytes = idx_bytes({6, 2, 2}, iota_bytes(6 * 4));
  bytes[0] = 0x12;
  write_gz(path("train-images-idx3-ubyte.gz"), bytes);
  expect_error({"train-images-idx3-ubyte.gz", "byte 0", "expected IDX magic"});
}

TEST_F(TrainDataErrors, UnsupportedElementType) {
  Bytes bytes = idx_bytes({6, 2, 2}, iota_bytes(6 * 4));
  bytes[2] = 0x0d;  // float data: not what an image file holds
  write_gz(path("train-images-idx3-ubyte.gz"), bytes);
  expect_error({"train-images-idx3-ubyte.gz", "byte 2", "expected IDX data type 0x08"});
}

TEST_F(TrainDataErrors, ImageAndLabelCountsDiffer) {
  write_labels("train-labels-idx1-ubyte.gz", {0, 1, 0, 1, 1});
  expect_error({"train-images-idx3-ubyte.gz", "6 images", "train-labels-idx1-ubyte.gz", "5 labels"});
}

TEST_F(TrainDataErrors, WrongImageDimensions) {
  write_gz(path("train-images-idx3-ubyte.gz"), idx_bytes({6, 4}, iota_bytes(24)));
  expect_error({"train-images-idx3-ubyte.gz", "expected 3 dimensions"});
}

TEST_F(TrainDataErrors, HeaderClaimsMoreDataThanTheFileHolds) {
  write_raw(path("train-images-idx3-ubyte"), idx_bytes({60000000, 28, 28}, iota_bytes(100)));
  std::filesystem::remove(path("train-images-idx3-ubyte.gz"));
  expect_error({"train-images-idx3-ubyte", "truncated"});
}

TEST_F(TrainDataErrors, LabelOutsideTheClasses) {
  write_labels("train-labels-idx1-ubyte.gz", {0, 1, 0, 7, 1, 0});
  expect_error({"train-labels-idx1-ubyte.gz", "example 3", "label 7", "[0, 2)"});
}

TEST_F(TrainDataErrors, InputSizeDiffersFromTheModel) {
  std::ofstream(path("cfg.toml")) << "[model]\nlayers = [5, 3, 2]\n[data]\nclasses = 2\n";
  expect_error({"model.layers[0] = 5", "expected the input size of the data, 4"});
}

}  // namespace
}  // namespace descent::cli
