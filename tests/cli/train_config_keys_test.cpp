// `descent train` with the keys of [data] normalize and shuffle, [model] and [[model.layer]]
// weight_init and bias_init, and [model] activation = "none": each kind of bad value exits 2 with one
// line naming the file, the key and the value; a run that sets them all trains on generated IDX data.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "data/idx_files.hpp"

namespace descent::cli {
namespace {

using data::testing::Bytes;
using data::testing::idx_bytes;
using data::testing::iota_bytes;
using data::testing::TempDir;
using data::testing::write_gz;
using testing::expect_bad_input;
using testing::Result;
using testing::run_cli;

class TrainConfigKeys : public ::testing::Test {
 protected:
  // 6 training and 4 test images of 2 x 2 pixels, labels in [0, 2).
  void SetUp() override {
    write_gz(dir_.file("train-images-idx3-ubyte.gz"), idx_bytes({6, 2, 2}, iota_bytes(24)));
    write_gz(dir_.file("train-labels-idx1-ubyte.gz"), idx_bytes({6}, {0, 1, 0, 1, 1, 0}));
    write_gz(dir_.file("t10k-images-idx3-ubyte.gz"), idx_bytes({4, 2, 2}, iota_bytes(16)));
    write_gz(dir_.file("t10k-labels-idx1-ubyte.gz"), idx_bytes({4}, {1, 0, 1, 0}));
  }

  Result train(const std::string& config) {
    std::ofstream(dir_.file("cfg.toml")) << config;
    return run_cli({"train", dir_.file("cfg.toml"), "--data-dir", dir_.path()});
  }
  // `descent train` on an MLP [4, 3, 2] with `model` lines in [model] and `data` lines in [data].
  Result train_mlp(const std::string& model, const std::string& data = "") {
    return train("[model]\nlayers = [4, 3, 2]\n" + model + "[data]\nclasses = 2\n" + data +
                 "[train]\nbatch_size = 2\n");
  }
  // The key and value as the message names them, after the file.
  std::string named(const std::string& key_and_value) const { return dir_.file("cfg.toml") + ": " + key_and_value; }

  TempDir dir_;
};

TEST_F(TrainConfigKeys, EveryNewKeyTrains) {
  const Result r =
      train_mlp("activation = \"none\"\nweight_init = \"kaiming_uniform\"\nbias_init = \"constant(0.1)\"\n",
                "normalize = \"standardize\"\nshuffle = false\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Epoch 0: "), std::string::npos) << r.out;
  const Result layered = train(
      "[model]\ninput_shape = [1, 2, 2]\nweight_init = \"xavier_normal\"\n[[model.layer]]\ntype = \"conv2d\"\n"
      "out_channels = 2\nkernel_size = 2\nbias_init = \"uniform(-0.1, 0.1)\"\n[[model.layer]]\ntype = "
      "\"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 2\nweight_init = \"normal(0, 0.01)\"\n"
      "[data]\nclasses = 2\nnormalize = \"none\"\n");
  EXPECT_EQ(layered.status, 0) << layered.err;
}

TEST_F(TrainConfigKeys, Normalize) {
  expect_bad_input(train_mlp("", "normalize = \"zscore\"\n"),
                   named("data.normalize = \"zscore\": expected one of unit, none, standardize"));
  expect_bad_input(train_mlp("", "normalize = 255\n"),
                   named("data.normalize = 255: expected one of unit, none, standardize"));
  expect_bad_input(train("[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[1.0]]\n"
                         "targets = [[0.5]]\nnormalize = \"standardize\"\n"),
                   named("data.normalize = \"standardize\": expected no normalize with inline data"));
  write_gz(dir_.file("train-images-idx3-ubyte.gz"), idx_bytes({6, 2, 2}, Bytes(24, 0)));
  expect_bad_input(train_mlp("", "normalize = \"standardize\"\n"),
                   named("data.normalize = \"standardize\": channel 0 of the training set has standard deviation 0"));
}

TEST_F(TrainConfigKeys, Shuffle) {
  expect_bad_input(train_mlp("", "shuffle = \"no\"\n"), named("data.shuffle = \"no\": expected true or false"));
  expect_bad_input(train_mlp("", "shuffle = 0\n"), named("data.shuffle = 0: expected true or false"));
}

TEST_F(TrainConfigKeys, WeightInit) {
  expect_bad_input(train_mlp("weight_init = \"he\"\n"), named("model.weight_init = \"he\": expected one of default,"));
  expect_bad_input(train_mlp("weight_init = 3\n"), named("model.weight_init = 3: expected one of default,"));
  expect_bad_input(train_mlp("weight_init = \"normal(0)\"\n"),
                   named("model.weight_init = \"normal(0)\": expected normal(MEAN, STD) with 2 numbers"));
  expect_bad_input(train_mlp("weight_init = \"normal(0, x)\"\n"),
                   named("model.weight_init = \"normal(0, x)\": expected normal(MEAN, STD) with 2 numbers"));
  expect_bad_input(train_mlp("weight_init = \"normal(0, -1)\"\n"),
                   named("model.weight_init = \"normal(0, -1)\": expected std >= 0"));
  expect_bad_input(train_mlp("weight_init = \"uniform(1, 0)\"\n"),
                   named("model.weight_init = \"uniform(1, 0)\": expected a <= b"));
  expect_bad_input(train("[model]\ninput_shape = [4]\n[[model.layer]]\ntype = \"linear\"\nout_features = 2\n"
                         "weight_init = \"kaiming(1)\"\n[data]\nclasses = 2\n"),
                   named("model.layer[0].weight_init = \"kaiming(1)\": expected one of default,"));
}

TEST_F(TrainConfigKeys, BiasInit) {
  expect_bad_input(train_mlp("bias_init = \"xavier_uniform\"\n"),
                   named("model.bias_init = \"xavier_uniform\": expected one of default, zeros, ones, constant(VAL), "
                         "normal(MEAN, STD), uniform(A, B) (xavier_uniform needs fan_in and fan_out"));
  expect_bad_input(train_mlp("bias_init = \"constant()\"\n"),
                   named("model.bias_init = \"constant()\": expected constant(VAL) with 1 number"));
  expect_bad_input(train_mlp("bias = false\nbias_init = \"ones\"\n"),
                   named("model.bias_init = \"ones\": expected default with model.bias = false"));
}

TEST_F(TrainConfigKeys, Activation) {
  expect_bad_input(train_mlp("activation = \"linear\"\n"),
                   named("model.activation = \"linear\": expected one of none, "));
}

}  // namespace
}  // namespace descent::cli
