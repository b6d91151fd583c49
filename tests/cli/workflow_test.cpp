// `descent train` with a validation split ([data] validation): the per-epoch line and metrics gain the
// validation figures and the test loss; early stopping ends the run with its message; --save-best keeps
// the checkpoint of the best epoch (read back here through the C++ API and compared with the epoch's
// reported validation loss); the statistics of normalize = "standardize" travel in the checkpoint.
// Then `descent summary` (parameter counts by hand) and `descent --version`.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/util/number_text.hpp"

namespace descent::cli {
namespace {

using data::testing::idx_bytes;
using data::testing::iota_bytes;
using data::testing::TempDir;
using data::testing::write_gz;
using testing::contains;
using testing::expect_bad_input;
using testing::Result;
using testing::run_cli;

class Workflow : public ::testing::Test {
 protected:
  // 10 training and 4 test images of 2 x 2 pixels, labels in [0, 2).
  void SetUp() override {
    write_gz(dir_.file("train-images-idx3-ubyte.gz"), idx_bytes({10, 2, 2}, iota_bytes(40)));
    write_gz(dir_.file("train-labels-idx1-ubyte.gz"), idx_bytes({10}, {0, 1, 0, 1, 1, 0, 0, 1, 1, 0}));
    write_gz(dir_.file("t10k-images-idx3-ubyte.gz"), idx_bytes({4, 2, 2}, iota_bytes(16)));
    write_gz(dir_.file("t10k-labels-idx1-ubyte.gz"), idx_bytes({4}, {1, 0, 1, 0}));
  }
  std::string write(const std::string& config) {
    std::ofstream(dir_.file("cfg.toml")) << config;
    return dir_.file("cfg.toml");
  }
  Result train(const std::string& config, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"train", write(config), "--data-dir", dir_.path()};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_cli(args);
  }
  std::vector<nlohmann::json> metrics() const {
    std::ifstream in(dir_.file("metrics.jsonl"));
    std::vector<nlohmann::json> rows;
    for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
    return rows;
  }
  TempDir dir_;
};

const std::string kMlp = "[model]\nlayers = [4, 3, 2]\n[data]\nclasses = 2\n";

TEST_F(Workflow, EpochLinesAndMetricsHoldTheValidationFigures) {
  // train_limit 5, validation 3: examples 0-4 train, 5-7 validate.
  const Result r = train(kMlp + "train_limit = 5\nvalidation = 3\n[train]\nepochs = 2\nbatch_size = 2\n",
                         {"--metrics", dir_.file("metrics.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::regex line(
      R"(Epoch [01]: \d / 4  \(train loss \d+\.\d{6}, val loss \d+\.\d{6}, val \d / 3, test loss \d+\.\d{6}, )"
      R"(\d+\.\d\d s, \d+ samples/s\)\n)");
  const std::string& out = r.out;
  EXPECT_EQ(std::distance(std::sregex_iterator(out.begin(), out.end(), line), std::sregex_iterator()), 2) << out;
  const std::vector<nlohmann::json> rows = metrics();
  ASSERT_EQ(rows.size(), 2u);
  for (const nlohmann::json& j : rows) {
    for (const char* key : {"val_loss", "val_correct", "val_total", "val_accuracy", "test_loss", "test_accuracy"})
      EXPECT_TRUE(j.contains(key)) << key << ": " << j;
    EXPECT_EQ(j["val_total"].get<int>(), 3);
    EXPECT_DOUBLE_EQ(j["val_accuracy"].get<double>(), j["val_correct"].get<double>() / 3);
    // The line shows the same numbers.
    const std::string shown = "val loss " + util::format_number(j["val_loss"].get<double>(), ".6f") + ", val " +
                              std::to_string(j["val_correct"].get<int>()) + " / 3, test loss " +
                              util::format_number(j["test_loss"].get<double>(), ".6f");
    EXPECT_TRUE(contains(out, shown)) << shown << " in " << out;
  }
  // Without a validation set the line keeps its form, with the test loss added.
  const Result plain = train(kMlp + "[train]\nbatch_size = 2\n");
  EXPECT_TRUE(std::regex_search(plain.out, std::regex(R"(Epoch 0: \d / 4  \(train loss \d+\.\d{6}, test loss )"
                                                      R"(\d+\.\d{6}, \d+\.\d\d s, \d+ samples/s\)\n)")))
      << plain.out;
}

TEST_F(Workflow, TooLargeAValidationSetIsBadInput) {
  expect_bad_input(train(kMlp + "validation = 10\n"),
                   dir_.file("cfg.toml") +
                       ": data.validation = 10: expected validation < 10, the training examples in " + dir_.path());
  expect_bad_input(train(kMlp + "train_limit = 8\nvalidation = 3\n"),
                   ": data.validation = 3 after data.train_limit = 8: expected train_limit + validation <= 10");
}

// y = w x + b from w = b = 0, full-batch SGD (lr 0.1) on (1, 1) and (2, 2); the held-out example is
// x = 3, y = 2.4. By hand the prediction at 3 is 1.8 after epoch 0, 2.37 after epoch 1, 2.553 after
// epoch 2, then on toward 3: the validation loss (pred - 2.4)^2 is 0.36, 0.0009, 0.0234, ..., best
// at epoch 1.
const std::string kLine =
    "[model]\nlayers = [1, 1]\nactivation = \"none\"\noutput_activation = \"none\"\n[model.weights]\n"
    "\"0.weight\" = [[0.0]]\n\"0.bias\" = [0.0]\n[loss]\nname = \"mse\"\n[optim]\nlr = 0.1\n"
    "[data]\ninputs = [[1], [2], [3]]\ntargets = [[1], [2], [2.4]]\nvalidation = 1\n[train]\nbatch_size = \"full\"\n";

TEST_F(Workflow, SaveBestKeepsTheBestEpochsWeights) {
  const std::string best = dir_.file("best.safetensors");
  const Result r = train(kLine + "epochs = 6\n", {"--save-best", best, "--metrics", dir_.file("metrics.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<nlohmann::json> rows = metrics();
  ASSERT_EQ(rows.size(), 6u);
  std::size_t argmin = 0;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i]["val_loss"].get<double>() < rows[argmin]["val_loss"].get<double>()) argmin = i;
  ASSERT_EQ(argmin, 1u);
  const double reported = rows[1]["val_loss"].get<double>();
  EXPECT_NEAR(reported, 0.0009, 2e-5);
  EXPECT_TRUE(
      contains(r.out, "best val_loss " + util::format_number(reported, ".6g") + " at epoch 1, saved in " + best))
      << r.out;
  // The file holds epoch 1's weights: their prediction at x = 3 gives the reported loss.
  const train::TrainConfig config = train::parse_config(dir_.file("cfg.toml"));
  Generator gen(0);
  auto model = train::build_network(config, gen);
  train::load_weights(best, config, *model);
  const std::vector<double> w = model->state_dict().at("0.weight").to_vector(),
                            b = model->state_dict().at("0.bias").to_vector();
  const double prediction = 3 * w[0] + b[0];
  EXPECT_NEAR(prediction, 2.37, 1e-5);
  EXPECT_NEAR((prediction - 2.4) * (prediction - 2.4), reported, 1e-6);
  EXPECT_EQ(data::load_safetensors(best).metadata.at("epochs_done"), "2");
}

TEST_F(Workflow, SaveBestNeedsAValidationSet) {
  expect_bad_input(train(kMlp, {"--save-best", dir_.file("best.safetensors")}),
                   ": --save-best keeps the checkpoint with the best val_loss: expected [data] validation > 0");
}

TEST_F(Workflow, EarlyStoppingEndsTheRunWithItsMessage) {
  // As above, with patience 2: epochs 2 and 3 do not improve on epoch 1's 0.0009.
  const Result r = train(kLine + "epochs = 20\nearly_stopping = {metric = \"val_loss\", patience = 2}\n");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Epoch 3: ")) << r.out;
  EXPECT_FALSE(contains(r.out, "Epoch 4: ")) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m,
                                std::regex("early stopping after epoch 3: val_loss has not improved by more than 0 "
                                           "for 2 epochs; best (\\S+) at epoch 1\n")))
      << r.out;
  EXPECT_NEAR(std::stod(m[1]), 0.0009, 2e-5);
}

TEST_F(Workflow, StandardizeStatisticsAreInTheCheckpoint) {
  const std::string config = kMlp + "validation = 4\nnormalize = \"standardize\"\n";
  const Result r = train(config, {"--save", dir_.file("ckpt.safetensors")});
  ASSERT_EQ(r.status, 0) << r.err;
  const train::TrainData d = train::load_data(train::parse_config(dir_.file("cfg.toml")), dir_.path());
  ASSERT_TRUE(d.input_stats);
  const auto& meta = data::load_safetensors(dir_.file("ckpt.safetensors")).metadata;
  EXPECT_EQ(std::strtod(meta.at("input_mean").c_str(), nullptr), d.input_stats->mean[0]);
  EXPECT_EQ(std::strtod(meta.at("input_std").c_str(), nullptr), d.input_stats->std[0]);
}

TEST_F(Workflow, SummaryOfBothModelForms) {
  // MLP [4, 3, 2]: Linear(4, 3) 4 x 3 + 3 = 15, Linear(3, 2) 3 x 2 + 2 = 8; 23 in all.
  const Result mlp = run_cli({"summary", write(kMlp)});
  ASSERT_EQ(mlp.status, 0) << mlp.err;
  EXPECT_TRUE(contains(mlp.out, "Layer (type:depth-idx)                   Output Shape              Param #\n"));
  EXPECT_TRUE(contains(mlp.out, "├─Linear: 1-1                            [1, 3]                    15\n")) << mlp.out;
  EXPECT_TRUE(contains(mlp.out, "├─Sigmoid: 1-2                           [1, 3]                    --\n")) << mlp.out;
  EXPECT_TRUE(contains(mlp.out, "├─Linear: 1-3                            [1, 2]                    8\n")) << mlp.out;
  EXPECT_TRUE(contains(mlp.out, "Total params: 23\nTrainable params: 23\nNon-trainable params: 0\n")) << mlp.out;
  // Layers on [1, 4, 4]: conv2d 2 channels of 3 x 3, 1 x 2 x 9 + 2 = 20, output [2, 2, 2]; flatten to 8;
  // linear 8 -> 2, 8 x 2 + 2 = 18; 38 in all.
  const Result layered = run_cli(
      {"summary", write("[model]\ninput_shape = [1, 4, 4]\n[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2\n"
                        "kernel_size = 3\n[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\n"
                        "out_features = 2\n[data]\nclasses = 2\n")});
  ASSERT_EQ(layered.status, 0) << layered.err;
  EXPECT_TRUE(contains(layered.out, "├─Conv2d: 1-1                            [1, 2, 2, 2]              20\n"))
      << layered.out;
  EXPECT_TRUE(contains(layered.out, "├─Flatten: 1-2                           [1, 8]                    --\n"));
  EXPECT_TRUE(contains(layered.out, "├─Linear: 1-3                            [1, 2]                    18\n"));
  EXPECT_TRUE(contains(layered.out, "Total params: 38\n")) << layered.out;
  expect_bad_input(run_cli({"summary", write("[model]\nlayers = [4]\n")}), "model.layers");
}

TEST_F(Workflow, VersionIsTheProjectsVersion) {
  std::ifstream cmake(std::string(DESCENT_SOURCE_DIR) + "/CMakeLists.txt");
  std::smatch m;
  std::string version;
  for (std::string line; std::getline(cmake, line);)
    if (std::regex_search(line, m, std::regex(R"(project\(descent VERSION (\d+\.\d+\.\d+))"))) version = m[1];
  ASSERT_FALSE(version.empty());
  const Result r = run_cli({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "descent " + version + "\n");
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace descent::cli
