// `descent eval`: a checkpoint trained through the command line, measured again: the loss and accuracy
// of the last epoch line, a confusion matrix whose rows count each class's examples and whose diagonal
// is the right answers; the pair and regression forms; the JSON that descent plot draws; bad input.
#include <gtest/gtest.h>

#include <regex>

#include "support/text.hpp"
#include "trained_model.hpp"

namespace descent::cli {
namespace {

using testing::contains;
using testing::expect_bad_input;
using testing::kClassifier;
using testing::Result;
using testing::run_cli;

class EvalCommandTest : public testing::TrainedModel {};

// The figures of train's last "Epoch N:" line: right answers, total, test loss as printed.
struct EpochFigures {
  int correct = -1, total = -1;
  std::string test_loss;
};
EpochFigures last_epoch(const std::string& out) {
  const std::regex line(R"(Epoch \d+: (\d+) / (\d+)  \(train loss [0-9.]+, test loss ([0-9.]+),)");
  EpochFigures f;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
    f = {std::stoi((*it)[1]), std::stoi((*it)[2]), (*it)[3]};
  return f;
}

TEST_F(EvalCommandTest, FiguresAreTheLastEpochLines) {
  const EpochFigures epoch = last_epoch(train("cfg.toml", kClassifier, "c.safetensors", 2));
  ASSERT_EQ(epoch.total, 16);
  const Result r = run_cli({"eval", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), "--data-dir",
                            dir_.path(), "--json", dir_.file("eval.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = read_json("eval.json");
  EXPECT_EQ(j["task"], "classification");
  EXPECT_EQ(j["split"], "test");
  EXPECT_EQ(j["examples"], 16);
  EXPECT_EQ(j["correct"], epoch.correct);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), epoch.correct / 16.0);
  EXPECT_EQ(util::format_number(j["loss"].get<double>(), ".6f"), epoch.test_loss);
  EXPECT_TRUE(contains(r.out, "loss " + epoch.test_loss + "\naccuracy " + std::to_string(epoch.correct) + " / 16"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "wrote " + dir_.file("eval.json"))) << r.out;
  // Rows: the true classes, 6, 5 and 5 test images (labels i % 3); the diagonal: the right answers.
  const nlohmann::json& m = j["confusion_matrix"];
  ASSERT_EQ(m.size(), 3u);
  int diagonal = 0;
  for (int t = 0; t < 3; ++t) {
    int row = 0;
    for (int p = 0; p < 3; ++p) row += m[t][p].get<int>();
    EXPECT_EQ(row, t == 0 ? 6 : 5);
    diagonal += m[t][t].get<int>();
  }
  EXPECT_EQ(diagonal, epoch.correct);
  EXPECT_EQ(j["class_names"], nlohmann::json({"0", "1", "2"}));
  EXPECT_TRUE(contains(r.out, "confusion matrix (rows: true class, columns: predicted class):\n   0 1 2\n0 ")) << r.out;

  // The training split: 48 images, 16 of each class.
  const Result train_split = run_cli({"eval", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"),
                                      "--data-dir", dir_.path(), "--split", "train", "--json", dir_.file("t.json")});
  ASSERT_EQ(train_split.status, 0) << train_split.err;
  const nlohmann::json t = read_json("t.json");
  EXPECT_EQ(t["examples"], 48);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(t["confusion_matrix"][c][0].get<int>() + t["confusion_matrix"][c][1].get<int>() +
                  t["confusion_matrix"][c][2].get<int>(),
              16);
}

TEST_F(EvalCommandTest, PlotDrawsTheConfusionMatrix) {
  train("cfg.toml", kClassifier, "c.safetensors");
  ASSERT_EQ(run_cli({"eval", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), "--data-dir",
                     dir_.path(), "--json", dir_.file("eval.json")})
                .status,
            0);
  const Result r = run_cli({"plot", dir_.file("eval.json"), "--output", dir_.file("m.png")});
  ASSERT_EQ(r.status, 0) << r.err;
  const data::testing::Bytes png = data::testing::read_raw(dir_.file("m.png"));
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  const Result svg = run_cli({"plot", dir_.file("eval.json"), "--output", dir_.file("m.svg")});
  ASSERT_EQ(svg.status, 0) << svg.err;
  const std::string text = descent::testing::read_text(dir_.file("m.svg"));
  EXPECT_TRUE(contains(text, "Confusion matrix of c.safetensors on the test set")) << text.substr(0, 400);
  EXPECT_TRUE(contains(text, "predicted class"));
  std::ofstream(dir_.file("m.jsonl")) << R"({"epoch":0,"train_loss":0.2})"
                                      << "\n";
  expect_bad_input(run_cli({"plot", dir_.file("eval.json"), dir_.file("m.jsonl"), "--output", dir_.file("x.png")}),
                   "eval.json is an evaluation (descent eval --json): expected it alone");
}

TEST_F(EvalCommandTest, PairsAndRegression) {
  // Pairs: the right pairs of the last epoch line, at its threshold; a 2 x 2 matrix.
  const std::string pairs =
      "[model]\nlayers = [9, 6, 3]\nactivation = \"tanh\"\nsiamese = \"cosine\"\n[loss]\nname = "
      "\"cosine_embedding\"\nmargin = 0.1\n[data]\nclasses = 3\ntrain_pairs = 40\ntest_pairs = 20\n"
      "[optim]\nname = \"adam\"\nlr = 0.01\n[train]\nbatch_size = 8\n";
  const std::string out = train("pairs.toml", pairs, "p.safetensors", 2);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Epoch 1: (\d+) / 20 pairs  \(threshold (\S+),)"))) << out;
  const Result r = run_cli({"eval", dir_.file("pairs.toml"), "--checkpoint", dir_.file("p.safetensors"), "--data-dir",
                            dir_.path(), "--json", dir_.file("p.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = read_json("p.json");
  EXPECT_EQ(j["task"], "pairs");
  EXPECT_EQ(j["correct"], std::stoi(m[1]));
  EXPECT_EQ(util::format_number(j["threshold"].get<double>(), ".4g"), m[2]);
  EXPECT_EQ(j["class_names"], nlohmann::json({"dissimilar", "similar"}));
  EXPECT_EQ(j["confusion_matrix"][0][0].get<int>() + j["confusion_matrix"][1][1].get<int>(), std::stoi(m[1]));

  // Regression: the loss of the epoch line; errors by hand from the model's one output.
  const std::string line =
      "[model]\nlayers = [1, 1]\nactivation = \"none\"\n[model.weights]\n\"0.weight\" = [[0.0]]\n\"0.bias\" = [0.0]\n"
      "[loss]\nname = \"mse\"\n[optim]\nlr = 0.1\n[data]\ninputs = [[1], [2]]\ntargets = [[1], [2]]\n"
      "[train]\nbatch_size = \"full\"\n";
  const std::string reg_out = train("line.toml", line, "l.safetensors", 1);
  ASSERT_TRUE(std::regex_search(reg_out, m, std::regex(R"(Epoch 0: loss (\S+) )"))) << reg_out;
  const Result reg = run_cli(
      {"eval", dir_.file("line.toml"), "--checkpoint", dir_.file("l.safetensors"), "--json", dir_.file("l.json")});
  ASSERT_EQ(reg.status, 0) << reg.err;
  const nlohmann::json l = read_json("l.json");
  EXPECT_EQ(l["task"], "regression");
  EXPECT_EQ(util::format_number(l["loss"].get<double>(), ".10g"), m[1]);
  // After one full-batch step from w = b = 0 (lr 0.1): w = 0.5, b = 0.3, predictions 0.8 and 1.3: squared
  // errors 0.04 and 0.49, the loss (float32) and mse (in double from the float32 outputs) both 0.265.
  EXPECT_NEAR(l["mse"].get<double>(), 0.265, 1e-6);
  EXPECT_NEAR(l["loss"].get<double>(), 0.265, 1e-6);
  EXPECT_FALSE(l.contains("confusion_matrix"));
  EXPECT_NEAR(l["mae"].get<double>(), (0.2 + 0.7) / 2, 1e-6);
  expect_bad_input(run_cli({"plot", dir_.file("l.json"), "--output", dir_.file("x.png")}),
                   "a regression evaluation holds no confusion matrix");
}

TEST_F(EvalCommandTest, BadInput) {
  train("cfg.toml", kClassifier, "c.safetensors");
  const std::string cfg = dir_.file("cfg.toml"), ckpt = dir_.file("c.safetensors");
  auto eval = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"eval", cfg, "--data-dir", dir_.path()};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_cli(args);
  };
  expect_bad_input(eval({"--checkpoint", dir_.file("missing.safetensors")}),
                   dir_.file("missing.safetensors") + ": cannot open");
  expect_bad_input(eval({"--checkpoint", ckpt, "--split", "valid"}), "--split = valid: expected test or train");
  expect_bad_input(eval({"--checkpoint", ckpt, "--json", dir_.file("no/such/dir/e.json")}), "--json");
  expect_bad_input(eval({}), "--checkpoint is required");
  // A checkpoint of another model: one of [9, 4, 3].
  train("other.toml", "[model]\nlayers = [9, 4, 3]\n[data]\nclasses = 3\n", "other.safetensors");
  expect_bad_input(eval({"--checkpoint", dir_.file("other.safetensors")}),
                   dir_.file("other.safetensors") + ": the checkpoint does not fit the model of " + cfg);
  // A checkpoint trained on other data (another salt, the same file names).
  testing::write_idx_data_set(dir_.file("other_data"), 2);
  expect_bad_input(run_cli({"eval", cfg, "--checkpoint", ckpt, "--data-dir", dir_.file("other_data")}), "trained on");
}

TEST_F(EvalCommandTest, Help) {
  const Result r = run_cli({"eval", "--help"});
  ASSERT_EQ(r.status, 0);
  for (const char* part : {"--checkpoint FILE", "--split test|train", "--json FILE", "confusion matrix", "Exit status"})
    EXPECT_TRUE(contains(r.out, part)) << part << " in " << r.out;
}

}  // namespace
}  // namespace descent::cli
