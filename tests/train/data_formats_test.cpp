// The same slice of Fashion-MNIST (2000 training and 500 test images of Debian's dataset-fashion-mnist)
// written as IDX files, as CSV, as .npy files and as an .npz archive, then Nielsen's [784, 30, 10]
// network (sigmoid, quadratic cost, SGD lr 3.0, mini-batches of 10, seed 1) trained 3 epochs on each.
// The CSV and NumPy files hold the float32 values that the IDX bytes give (byte * float32(1/255)), the
// CSV ones in the shortest text that reads back to the same float, so every run sees the same numbers
// in the same order: the test counts and the training losses of every epoch are equal, not close.
#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "data/idx_files.hpp"
#include "descent/data/dataset.hpp"
#include "descent/data/npy.hpp"
#include "descent/data/npz.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using data::testing::Bytes;
using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_raw;

constexpr const char* kFashion = "/usr/share/datasets/fashion-mnist";
constexpr std::int64_t kFormatsTrain = 2000, kFormatsTest = 500;

const std::string kNielsen = R"([model]
layers = [784, 30, 10]
activation = "sigmoid"
output_activation = "sigmoid"
init = "nielsen"
[loss]
name = "quadratic"
[optim]
name = "sgd"
lr = 3.0
[train]
epochs = 3
batch_size = 10
seed = 1
)";

void write_idx(const std::string& images, const std::string& labels, const data::Dataset& d) {
  const auto n = static_cast<std::uint32_t>(d.size());
  const std::uint8_t* pixels = d.pixels.data<std::uint8_t>();
  write_raw(images, idx_bytes({n, 28, 28}, Bytes(pixels, pixels + d.pixels.numel())));
  Bytes labels_bytes;
  for (std::int64_t i = 0; i < d.size(); ++i)
    labels_bytes.push_back(static_cast<std::uint8_t>(d.targets.data<std::int64_t>()[i]));
  write_raw(labels, idx_bytes({n}, labels_bytes));
}

// label,p0,...,p783, then each example: its label, then its inputs in the shortest text of each float.
void write_csv(const std::string& path, const data::Dataset& d) {
  std::ofstream out(path);
  out << "label";
  for (int j = 0; j < 784; ++j) out << ",p" << j;
  out << "\n";
  const float* x = d.inputs().data<float>();
  char text[32];
  for (std::int64_t i = 0; i < d.size(); ++i) {
    out << d.targets.data<std::int64_t>()[i];
    for (int j = 0; j < 784; ++j) {
      const auto end = std::to_chars(text, text + sizeof text, x[i * 784 + j]).ptr;
      out << ',' << std::string_view(text, static_cast<std::size_t>(end - text));
    }
    out << "\n";
  }
}

RunSummary train_on(const std::string& config_path, const std::string& data_dir = {}) {
  std::ostringstream out;
  RunOptions options;
  options.data_dir = data_dir;
  return run_training(parse_config(config_path), options, out);
}

void write_config(const std::string& path, const std::string& data) {
  std::ofstream(path) << kNielsen << "[data]\nclasses = 10\n" << data;
}

TEST(DataFormats, CsvNpyAndNpzTrainNielsenAsTheIdxFilesOfTheSameData) {
  if (!data::has_idx_files(kFashion))
    GTEST_SKIP() << "Fashion-MNIST not found in " << kFashion
                 << ": install Debian's dataset-fashion-mnist to run this test";
  const data::Dataset train = data::load_mnist(kFashion, true, 10, Dtype::Float32, kFormatsTrain);
  const data::Dataset test = data::load_mnist(kFashion, false, 10, Dtype::Float32, kFormatsTest);
  TempDir dir;
  const std::filesystem::path idx = std::filesystem::path(dir.path()) / "idx";
  std::filesystem::create_directories(idx);
  write_idx((idx / "train-images-idx3-ubyte").string(), (idx / "train-labels-idx1-ubyte").string(), train);
  write_idx((idx / "t10k-images-idx3-ubyte").string(), (idx / "t10k-labels-idx1-ubyte").string(), test);
  write_csv(dir.file("train.csv"), train);
  write_csv(dir.file("test.csv"), test);
  data::save_npy(dir.file("x_train.npy"), train.inputs());
  data::save_npy(dir.file("y_train.npy"), train.targets);
  data::save_npy(dir.file("x_test.npy"), test.inputs());
  data::save_npy(dir.file("y_test.npy"), test.targets);
  // The .npz holds images (N, 1, 28, 28), flattened on reading.
  data::save_npz(dir.file("train.npz"),
                 {{"x", train.inputs().reshape({kFormatsTrain, 1, 28, 28})}, {"y", train.targets}});
  data::save_npz(dir.file("test.npz"), {{"x", test.inputs().reshape({kFormatsTest, 1, 28, 28})}, {"y", test.targets}});

  write_config(dir.file("idx.toml"), "");
  // Relative paths: from the config file's directory.
  write_config(dir.file("csv.toml"), "train = \"train.csv\"\ntest = \"test.csv\"\n");
  write_config(dir.file("npy.toml"),
               "train = \"x_train.npy\"\ntrain_labels = \"y_train.npy\"\ntest = \"x_test.npy\"\n"
               "test_labels = \"y_test.npy\"\n");
  write_config(dir.file("npz.toml"), "train = \"train.npz\"\ntest = \"test.npz\"\n");

  // The inputs each format reads are the IDX inputs, bit for bit.
  const TrainData from_idx = load_data(parse_config(dir.file("idx.toml")), idx.string());
  for (const char* format : {"csv", "npy", "npz"}) {
    const TrainData d = load_data(parse_config(dir.file(std::string(format) + ".toml")), "");
    EXPECT_EQ(d.train.inputs().to_vector(), from_idx.train.inputs().to_vector()) << format;
    EXPECT_EQ(d.test.inputs().to_vector(), from_idx.test.inputs().to_vector()) << format;
    EXPECT_EQ(d.train.targets.to_vector(), from_idx.train.targets.to_vector()) << format;
    EXPECT_EQ(d.test.targets.to_vector(), from_idx.test.targets.to_vector()) << format;
  }

  const RunSummary reference = train_on(dir.file("idx.toml"), idx.string());
  ASSERT_EQ(reference.epochs.size(), 3u);
  EXPECT_GT(reference.epochs.back().test_correct, kFormatsTest / 2);  // it learns: chance is 10%
  for (const char* format : {"csv", "npy", "npz"}) {
    const RunSummary run = train_on(dir.file(std::string(format) + ".toml"));
    ASSERT_EQ(run.epochs.size(), reference.epochs.size()) << format;
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      EXPECT_EQ(run.epochs[e].test_correct, reference.epochs[e].test_correct) << format << " epoch " << e;
      EXPECT_EQ(run.epochs[e].test_total, kFormatsTest) << format;
      EXPECT_EQ(run.epochs[e].train_loss, reference.epochs[e].train_loss) << format << " epoch " << e;
    }
  }
}

}  // namespace
}  // namespace descent::train
