// load_data and run_training with [data] train and test files: no data directory needed; limits and
// classes as for the IDX files; normalize "unit" leaves the values as stored; float targets make a
// regression; the sets and the loss are checked against each other (ConfigError naming key and file);
// data.augment takes its image shape from model.input_shape or the files, and transforms only the
// training batches: with hflip = 1 a model learns the mirrored classes, so that on the unmirrored test
// set it is always wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "data/idx_files.hpp"
#include "descent/data/npy.hpp"
#include "descent/data/npz.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using data::testing::error_message;
using data::testing::expect_contains;
using data::testing::TempDir;

class DataFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.file("train.csv")) << "a,b,label\n0.5,1,1\n2,3,0\n4,5,1\n";
    std::ofstream(dir_.file("test.csv")) << "a,b,label\n6,7,0\n";
  }
  // A config written into the temporary directory, parsed from there.
  TrainConfig config(const std::string& text) {
    std::ofstream(dir_.file("cfg.toml")) << text;
    return parse_config(dir_.file("cfg.toml"));
  }
  TempDir dir_;
};

const std::string kFilesMlp = "[model]\nlayers = [2, 2]\n[data]\nclasses = 2\n";

TEST_F(DataFiles, CsvSetsNeedNoDataDirectory) {
  const TrainConfig c = config(kFilesMlp + "train = \"train.csv\"\ntest = \"test.csv\"\ntrain_limit = 2\n");
  EXPECT_FALSE(needs_data_dir(c));
  const TrainData d = load_data(c, "");
  EXPECT_TRUE(d.classification);
  EXPECT_EQ(d.train.inputs().to_vector(), (std::vector<double>{0.5, 1, 2, 3}));  // as stored: no / 255
  EXPECT_EQ(d.train.targets.to_vector(), (std::vector<double>{1, 0}));
  EXPECT_EQ(d.test.inputs().to_vector(), (std::vector<double>{6, 7}));
  const TrainData none =
      load_data(config(kFilesMlp + "train = \"train.csv\"\ntest = \"test.csv\"\nnormalize = \"none\"\n"), "");
  EXPECT_EQ(none.train.inputs().to_vector(), (std::vector<double>{0.5, 1, 2, 3, 4, 5}));
  // classes bounds the labels as for the IDX files.
  std::ofstream(dir_.file("three.csv")) << "a,b,label\n1,2,2\n";
  expect_contains(error_message<IoError>(
                      [&] { load_data(config(kFilesMlp + "train = \"three.csv\"\ntest = \"test.csv\"\n"), ""); }),
                  {"three.csv:2", "a class label in [0, 2)", "\"2\""});
  expect_contains(
      error_message<IoError>([&] { load_data(config(kFilesMlp + "train = \"no.csv\"\ntest = \"test.csv\"\n"), ""); }),
      {"no.csv", "cannot open"});
}

TEST_F(DataFiles, SetsAndLossMustFit) {
  std::ofstream(dir_.file("wide.csv")) << "a,b,c,label\n1,2,3,0\n";
  expect_contains(error_message<ConfigError>(
                      [&] { load_data(config(kFilesMlp + "train = \"train.csv\"\ntest = \"wide.csv\"\n"), ""); }),
                  {"cfg.toml: data.test = \"", "wide.csv\": 3 inputs per example: expected 2, as data.train"});
  expect_contains(error_message<ConfigError>([&] {
                    load_data(config("[model]\nlayers = [3, 2]\n[data]\nclasses = 2\n"
                                     "train = \"train.csv\"\ntest = \"test.csv\"\n"),
                              "");
                  }),
                  {"model.layers[0] = 3: expected the input size of the data, 2"});
  // Labels with a loss of values (one-hot): one output per class.
  expect_contains(error_message<ConfigError>([&] {
                    load_data(config("[model]\nlayers = [2, 3]\n[loss]\nname = \"mse\"\n[data]\nclasses = 2\n"
                                     "train = \"train.csv\"\ntest = \"test.csv\"\n"),
                              "");
                  }),
                  {"train.csv\" holds class labels: expected the model's 3 outputs to equal data.classes = 2"});
  // Float targets: a regression, for a loss of values with one target per output.
  data::save_npy(dir_.file("x.npy"), from_vector(std::vector<double>{1, 2, 3, 4}, Shape{2, 2}, Dtype::Float32));
  data::save_npy(dir_.file("y.npy"), from_vector(std::vector<double>{0.5, 1.5}, Shape{2}, Dtype::Float64));
  data::save_npy(dir_.file("labels.npy"), from_vector(std::vector<std::int64_t>{0, 1}, Shape{2}));
  const std::string npy = "train = \"x.npy\"\ntrain_labels = \"y.npy\"\ntest = \"x.npy\"\n";
  expect_contains(
      error_message<ConfigError>([&] { load_data(config(kFilesMlp + npy + "test_labels = \"y.npy\"\n"), ""); }),
      {"data.train = \"", "x.npy\" (labels ", "float targets [2, 1] with loss.name = \"cross_entropy\"",
       "integer class labels", "y.astype(np.int64)"});
  expect_contains(error_message<ConfigError>([&] {
                    load_data(config("[model]\nlayers = [2, 2]\n[loss]\nname = \"mse\"\n[data]\n" + npy +
                                     "test_labels = \"y.npy\"\n"),
                              "");
                  }),
                  {"float targets [2, 1]: expected 2 per example, the model's output size"});
  expect_contains(
      error_message<ConfigError>([&] { load_data(config(kFilesMlp + npy + "test_labels = \"labels.npy\"\n"), ""); }),
      {"holds float targets but data.test", "holds class labels: expected the same kind in both"});
  const TrainData regression = load_data(
      config("[model]\nlayers = [2, 1]\n[loss]\nname = \"mse\"\n[data]\n" + npy + "test_labels = \"y.npy\"\n"), "");
  EXPECT_FALSE(regression.classification);
  EXPECT_EQ(regression.train.targets.to_vector(), (std::vector<double>{0.5, 1.5}));
  std::ostringstream out;
  const RunSummary run =
      run_training(config("[model]\nlayers = [2, 1]\nactivation = \"none\"\n[loss]\nname = \"mse\"\n[data]\n" + npy +
                          "test_labels = \"y.npy\"\n[train]\nepochs = 2\nbatch_size = 2\n"),
                   {}, out);
  EXPECT_EQ(run.epochs.size(), 2u);
  EXPECT_GT(run.epochs.back().test_loss, 0);
}

TEST_F(DataFiles, AugmentNeedsImages) {
  expect_contains(
      error_message<ConfigError>([&] {
        load_data(config(kFilesMlp + "train = \"train.csv\"\ntest = \"test.csv\"\naugment = {hflip = 0.5}\n"), "");
      }),
      {"cfg.toml: data.augment: expected images: model.input_shape = [C, H, W]", "2 features"});
  // model.input_shape gives the CSV rows their image shape.
  const TrainData d = load_data(config("[model]\ninput_shape = [1, 1, 2]\n[[model.layer]]\ntype = \"flatten\"\n"
                                       "[[model.layer]]\ntype = \"linear\"\nout_features = 2\n[data]\nclasses = 2\n"
                                       "train = \"train.csv\"\ntest = \"test.csv\"\naugment = {hflip = 0.5}\n"),
                                "");
  EXPECT_EQ(d.train.image_shape, (std::vector<std::int64_t>{1, 1, 2}));
}

// Images of one row of two pixels, class 0 bright on the left ([1, 0]), class 1 on the right.
TEST_F(DataFiles, AugmentTransformsOnlyTheTrainingBatches) {
  std::vector<double> x;
  std::vector<std::int64_t> y;
  for (int i = 0; i < 8; ++i) {
    x.insert(x.end(), {i % 2 == 0 ? 1.0 : 0.0, i % 2 == 0 ? 0.0 : 1.0});
    y.push_back(i % 2);
  }
  const Tensor images = from_vector(x, Shape{8, 1, 1, 2}, Dtype::Float32);
  const Tensor labels = from_vector(y, Shape{8});
  data::save_npz(dir_.file("train.npz"), {{"x", images}, {"y", labels}});
  data::save_npz(dir_.file("test.npz"), {{"x", images}, {"y", labels}});
  const std::string base =
      "[model]\nlayers = [2, 2]\nactivation = \"none\"\n[optim]\nlr = 1.0\n[data]\nclasses = 2\n"
      "train = \"train.npz\"\ntest = \"test.npz\"\n[train]\nepochs = 20\nbatch_size = 4\n";
  std::ostringstream out;
  const RunSummary plain = run_training(config(base), {}, out);
  EXPECT_EQ(plain.epochs.back().test_correct, 8);
  const RunSummary mirrored =
      run_training(config(std::string(base).insert(base.find("[train]"), "augment = {hflip = 1}\n")), {}, out);
  EXPECT_EQ(mirrored.epochs.back().test_correct, 0);  // trained on mirrored images, tested on the originals
  EXPECT_EQ(mirrored.epochs.back().test_total, 8);
}

}  // namespace
}  // namespace descent::train
