// A Siamese run from a config: model.siamese, the pair losses, [data] train_pairs / test_pairs, their
// validation, and training and `descent check` on pairs drawn from a hand-made MNIST-format set.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/error.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using data::testing::idx_bytes;
using data::testing::TempDir;
using data::testing::write_raw;

const std::string kCosine =
    "[model]\nlayers = [4, 6, 3]\nactivation = \"tanh\"\nsiamese = \"cosine\"\n"
    "[loss]\nname = \"cosine_embedding\"\nmargin = 0.1\n"
    "[data]\nclasses = 3\ntrain_pairs = 40\ntest_pairs = 20\n"
    "[optim]\nname = \"adam\"\nlr = 0.01\n[train]\nepochs = 2\nbatch_size = 8\ndtype = \"float64\"\n";
const std::string kContrastive =
    "[model]\nlayers = [4, 6, 3]\nactivation = \"relu\"\nsiamese = \"euclidean\"\n"
    "[loss]\nname = \"contrastive\"\n[data]\nclasses = 3\ntrain_pairs = 40\ntest_pairs = 20\n"
    "[train]\nepochs = 2\nbatch_size = 8\n";

// 30 training and 9 test images of 2x2 pixels in three classes.
void write_pair_data(const TempDir& dir) {
  auto images = [](int n) {
    data::testing::Bytes pixels, labels;
    for (int i = 0; i < n; ++i) {
      for (int k = 0; k < 4; ++k) pixels.push_back(static_cast<std::uint8_t>((i % 3) * 80 + (i * 37 + k * 91) % 40));
      labels.push_back(static_cast<std::uint8_t>(i % 3));
    }
    return std::pair{pixels, labels};
  };
  const auto [train_x, train_y] = images(30);
  const auto [test_x, test_y] = images(9);
  write_raw(dir.file("train-images-idx3-ubyte"), idx_bytes({30, 2, 2}, train_x));
  write_raw(dir.file("train-labels-idx1-ubyte"), idx_bytes({30}, train_y));
  write_raw(dir.file("t10k-images-idx3-ubyte"), idx_bytes({9, 2, 2}, test_x));
  write_raw(dir.file("t10k-labels-idx1-ubyte"), idx_bytes({9}, test_y));
}

void expect_error(const std::string& text, const std::string& message) {
  try {
    parse_config_string(text, "s.toml");
    ADD_FAILURE() << "no error; expected: " << message;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(SiameseConfig, ReadsTheSiameseKeys) {
  const TrainConfig c = parse_config_string(kCosine, "s.toml");
  EXPECT_EQ(c.model.siamese, "cosine");
  EXPECT_EQ(c.loss.name, "cosine_embedding");
  EXPECT_EQ(c.loss.number("margin"), 0.1);
  EXPECT_EQ(c.data.train_pairs, 40);
  EXPECT_EQ(c.data.test_pairs, 20);
  EXPECT_EQ(parse_config_string(kContrastive, "s.toml").loss.number("margin"), 1.0);  // contrastive's default
  Generator gen(0);
  auto net = build_network(c, gen);
  ASSERT_NE(dynamic_cast<nn::Siamese*>(net.get()), nullptr);
  EXPECT_EQ(net->named_parameters()[0].first, "tower.0.weight");
}

TEST(SiameseConfig, ErrorsNameFileKeyAndValue) {
  expect_error(replace(kCosine, "\"cosine_embedding\"", "\"contrastive\""),
               "s.toml: loss.name = \"contrastive\": expected cosine_embedding with model.siamese = \"cosine\" "
               "(contrastive needs \"euclidean\")");
  expect_error(replace(kContrastive, "\"contrastive\"", "\"cosine_embedding\""),
               "s.toml: loss.name = \"cosine_embedding\": expected contrastive with model.siamese = \"euclidean\" "
               "(cosine_embedding needs \"cosine\")");
  expect_error(replace(replace(kCosine, "\"cosine_embedding\"", "\"cross_entropy\""), "margin = 0.1\n", ""),
               "s.toml: loss.name = \"cross_entropy\": expected cosine_embedding with model.siamese = \"cosine\" "
               "(contrastive needs \"euclidean\")");
  // A margin is a key of the pair losses alone: with another loss it is unknown.
  expect_error(replace(kCosine, "\"cosine_embedding\"", "\"cross_entropy\""),
               "s.toml: unknown key loss.margin (known keys in [loss] for cross_entropy: name, reduction, "
               "label_smoothing, weight)");
  expect_error(replace(kCosine, "margin = 0.1", "margin = 1.5"),
               "s.toml: loss.margin = 1.5: expected margin in [-1, 1] (a cosine similarity)");
  expect_error(replace(kContrastive, "[data]", "margin = -1\n[data]"),
               "s.toml: loss.margin = -1: expected margin > 0 (a distance)");
  expect_error(replace(kCosine, "test_pairs = 20\n", ""),
               "s.toml: missing required key data.test_pairs (the number of pairs for model.siamese = \"cosine\")");
  expect_error(replace(kCosine, "train_pairs = 40", "train_pairs = 0"),
               "s.toml: data.train_pairs = 0: expected train_pairs >= 1");
  expect_error(replace(kCosine, "\"cosine\"\n", "\"manhattan\"\n"),
               "s.toml: model.siamese = \"manhattan\": expected one of none, cosine, euclidean");
  const std::string plain = "[model]\nlayers = [4, 2]\n[data]\nclasses = 2\n";
  expect_error(plain + "[loss]\nname = \"contrastive\"\n",
               "s.toml: loss.name = \"contrastive\": expected one of bce_with_logits, cross_entropy, huber, l1, mse, "
               "nll, quadratic, smooth_l1 without model.siamese "
               "(contrastive compares pairs)");
  expect_error(
      plain + "train_pairs = 10\n",
      "s.toml: data.train_pairs = 10: expected no pair count without model.siamese = \"cosine\" or \"euclidean\"");
  expect_error(plain + "[loss]\nmargin = 1\n",
               "s.toml: unknown key loss.margin (known keys in [loss] for cross_entropy: name, reduction, "
               "label_smoothing, weight)");
}

TEST(SiameseRun, ReportsPairAccuracyWithTheTrainingThreshold) {
  TempDir dir;
  write_pair_data(dir);
  for (const std::string& text : {kCosine, kContrastive}) {
    const TrainConfig config = parse_config_string(text, "s.toml");
    const TrainData d = load_data(config, dir.path());
    EXPECT_TRUE(d.pairs);
    EXPECT_EQ(d.train.inputs().shape(), (Shape{40, 8}));
    EXPECT_EQ(d.test.inputs().shape(), (Shape{20, 8}));
    EXPECT_TRUE(d.train.pixels.defined());
    std::ostringstream out;
    RunOptions options;
    options.data_dir = dir.path();
    options.metrics_path = dir.file("metrics.jsonl");
    const RunSummary s = run_training(config, options, out);
    ASSERT_EQ(s.epochs.size(), 2u);
    EXPECT_EQ(s.epochs[1].test_total, 20);
    EXPECT_NE(out.str().find("Epoch 1: " + std::to_string(s.epochs[1].test_correct) + " / 20 pairs  (threshold "),
              std::string::npos)
        << out.str();
    std::ifstream metrics(dir.file("metrics.jsonl"));
    std::string line;
    std::getline(metrics, line);
    EXPECT_NE(line.find("\"threshold\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"test_accuracy\""), std::string::npos) << line;
  }
}

TEST(SiameseRun, CheckCommandPassesOnPairs) {
  TempDir dir;
  write_pair_data(dir);
  for (const std::string& text : {kCosine, kContrastive}) {
    const std::string path = dir.file("s.toml");
    std::ofstream(path) << text;
    std::ostringstream out, err;
    const int status = cli::run({"check", path, "--data-dir", dir.path()}, out, err);
    EXPECT_EQ(status, 0) << out.str() << err.str();
    EXPECT_NE(out.str().find("tower.0.weight"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("Result: passed"), std::string::npos) << out.str();
  }
}

}  // namespace
}  // namespace descent::train
