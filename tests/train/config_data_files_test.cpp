// [data] train, test, train_labels, test_labels, label_column and augment: the values they take (paths
// resolved against the config file's directory), then each kind of bad value, a ConfigError naming the
// file, the key, the value and what is allowed.
#include <gtest/gtest.h>

#include <string>

#include "config_error.hpp"
#include "data/idx_files.hpp"
#include "descent/train/config.hpp"

namespace descent::train {
namespace {

using data::testing::expect_contains;

std::string with_data(const std::string& data) { return "[model]\nlayers = [784, 30, 10]\n[data]\n" + data; }

const std::string kCsv = "train = \"train.csv\"\ntest = \"test.csv\"\n";

TEST(ConfigDataFiles, PathsAreRelativeToTheConfigFile) {
  const TrainConfig c = parse_config_string(with_data(kCsv + "label_column = \"y\"\n"), "/data/run/cfg.toml");
  EXPECT_EQ(c.data.train, "/data/run/train.csv");
  EXPECT_EQ(c.data.test, "/data/run/test.csv");
  EXPECT_EQ(c.data.label_column, "y");
  EXPECT_EQ(c.data.label_index, -1);
  const TrainConfig here = parse_config_string(with_data(kCsv + "label_column = 0\n"), "cfg.toml");
  EXPECT_EQ(here.data.train, "train.csv");  // a config in the working directory
  EXPECT_EQ(here.data.label_index, 0);
  const TrainConfig npy =
      parse_config_string(with_data("train = \"/abs/x.npy\"\ntrain_labels = \"../y.npy\"\ntest = \"sub/./xt.npy\"\n"
                                    "test_labels = \"yt.npy\"\n"),
                          "run/cfg.toml");
  EXPECT_EQ(npy.data.train, "/abs/x.npy");
  EXPECT_EQ(npy.data.train_labels, "y.npy");
  EXPECT_EQ(npy.data.test, "run/sub/xt.npy");
  EXPECT_EQ(npy.data.test_labels, "run/yt.npy");
  EXPECT_TRUE(parse_config_string(with_data(""), "cfg.toml").data.train.empty());  // the IDX files
}

TEST(ConfigDataFiles, AugmentTakesTorchvisionsOptions) {
  const TrainConfig c = parse_config_string(
      with_data("augment = {crop_padding = 2, hflip = 0.5, rotation = 10, translate = 0.1}\n"), "cfg.toml");
  EXPECT_EQ(c.data.augment.crop_padding, 2);
  EXPECT_EQ(c.data.augment.hflip, 0.5);
  EXPECT_EQ(c.data.augment.rotation, 10);
  EXPECT_EQ(c.data.augment.translate, 0.1);
  EXPECT_FALSE(parse_config_string(with_data(""), "cfg.toml").data.augment.any());
}

TEST(ConfigDataFiles, BadFileKeysNameTheKeyAndValue) {
  const std::string file = "expected a file name ending in .csv, .npy or .npz";
  expect_contains(config_error(with_data("train = 3\ntest = \"t.csv\"\n")), {"cfg.toml: data.train = 3: ", file});
  expect_contains(config_error(with_data("train = \"x.txt\"\ntest = \"t.csv\"\n")), {"data.train = \"x.txt\": ", file});
  expect_contains(config_error(with_data("train = \"\"\ntest = \"t.csv\"\n")), {"data.train = \"\": ", file});
  expect_contains(config_error(with_data("train = \"x.csv\"\ntest = [\"t.csv\"]\n")), {"data.test = [", file});
  expect_contains(config_error(with_data("train = \"x.csv\"\n")), {"missing required key data.test"});
  expect_contains(config_error(with_data("test = \"x.csv\"\n")), {"missing required key data.train"});
  expect_contains(config_error("[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[1]]\n"
                               "targets = [[1]]\n" +
                               kCsv),
                  {"data.train = \"train.csv\": expected either data files (train, test) or inline data.inputs"});
  expect_contains(config_error(with_data("train = \"x.npy\"\ntest = \"t.npy\"\ntest_labels = \"yt.npy\"\n")),
                  {"missing required key data.train_labels", "the labels y, a .npy file"});
  expect_contains(config_error(with_data("train = \"x.npy\"\ntrain_labels = \"y.npy\"\ntest = \"t.npy\"\n")),
                  {"missing required key data.test_labels"});
  expect_contains(config_error(with_data(kCsv + "train_labels = \"y.npy\"\n")),
                  {"data.train_labels = \"y.npy\": expected no labels file unless data.train is a .npy file"});
  expect_contains(config_error(with_data("train = \"x.npy\"\ntrain_labels = \"y.csv\"\ntest = \"t.npy\"\n"
                                         "test_labels = \"yt.npy\"\n")),
                  {"data.train_labels = \"y.csv\": expected a .npy file of labels"});
  expect_contains(config_error(with_data("train = \"x.npy\"\ntrain_labels = 1\ntest = \"t.npy\"\n"
                                         "test_labels = \"yt.npy\"\n")),
                  {"data.train_labels = 1: expected a .npy file of labels"});
  expect_contains(config_error(with_data("train = \"x.npz\"\ntest = \"t.npz\"\nlabel_column = \"y\"\n")),
                  {"data.label_column = \"y\": expected no label_column unless data.train or data.test is a .csv"});
  for (const std::string bad : {"-1", "\"\"", "1.5", "true", "[0]"})
    expect_contains(
        config_error(with_data(kCsv + "label_column = " + bad + "\n")),
        {"data.label_column = " + bad + ": expected a column name of the header, or a 0-based column index"});
}

TEST(ConfigDataFiles, BadAugmentValuesNameTheKeyAndValue) {
  auto error = [](const std::string& augment) { return config_error(with_data("augment = " + augment + "\n")); };
  expect_contains(error("3"), {"cfg.toml: data.augment = 3: expected a table, e.g. {crop_padding = 2"});
  expect_contains(error("{flip = 0.5}"), {"unknown key data.augment.flip", "crop_padding, hflip, rotation, translate"});
  expect_contains(error("{crop_padding = -1}"), {"data.augment.crop_padding = -1: expected crop_padding >= 0"});
  expect_contains(error("{crop_padding = 1.5}"), {"data.augment.crop_padding = 1.5: expected an integer"});
  expect_contains(error("{hflip = 1.5}"), {"data.augment.hflip = 1.5: expected a probability in [0, 1]"});
  expect_contains(error("{hflip = -0.1}"), {"data.augment.hflip = -0.1: expected a probability in [0, 1]"});
  expect_contains(error("{hflip = \"yes\"}"), {"data.augment.hflip = \"yes\": expected a number"});
  expect_contains(error("{rotation = 181}"), {"data.augment.rotation = 181: expected degrees in [0, 180]"});
  expect_contains(error("{rotation = -5}"), {"data.augment.rotation = -5: expected degrees in [0, 180]"});
  expect_contains(error("{rotation = inf}"), {"data.augment.rotation = inf: expected a finite number"});
  expect_contains(error("{translate = 1.5}"), {"data.augment.translate = 1.5: expected a fraction of the image size"});
  expect_contains(error("{translate = true}"), {"data.augment.translate = true: expected a number"});
  expect_contains(config_error("[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[1]]\n"
                               "targets = [[1]]\naugment = {hflip = 0.5}\n"),
                  {"data.augment = {", "expected no augment with inline data.inputs"});
  expect_contains(config_error("[model]\nlayers = [784, 8]\nsiamese = \"cosine\"\n[loss]\nname = \"cosine_embedding\"\n"
                               "[data]\ntrain_pairs = 10\ntest_pairs = 10\naugment = {hflip = 0.5}\n"),
                  {"data.augment = {", "expected no augment with model.siamese"});
}

}  // namespace
}  // namespace descent::train
