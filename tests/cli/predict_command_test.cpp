// `descent predict`: a checkpoint trained through the command line applied to the test IDX file, to
// one of its images written as PNG (by libpng) and PGM, and to its values on stdin: the same logits
// for the same image, top-1 classes that agree with descent eval's confusion matrix, probabilities
// that are the softmax of the logits; the preprocessing of normalize = "standardize"; bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <sstream>

#include "data/png_files.hpp"
#include "trained_model.hpp"

namespace descent::cli {
namespace {

using testing::contains;
using testing::expect_bad_input;
using testing::kClassifier;
using testing::Result;
using testing::run_cli;

// std::cin reads `text` while it lives.
class StdinFrom {
 public:
  explicit StdinFrom(const std::string& text) : in_(text), old_(std::cin.rdbuf(in_.rdbuf())) {}
  ~StdinFrom() { std::cin.rdbuf(old_); }
  StdinFrom(const StdinFrom&) = delete;
  StdinFrom& operator=(const StdinFrom&) = delete;

 private:
  std::istringstream in_;
  std::streambuf* old_;
};

class PredictCommandTest : public testing::TrainedModel {
 protected:
  Result predict(const std::string& config, std::vector<std::string> inputs, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"predict", dir_.file(config), "--checkpoint", dir_.file("c.safetensors")};
    args.insert(args.end(), inputs.begin(), inputs.end());
    args.insert(args.end(), flags.begin(), flags.end());
    return run_cli(args);
  }
  // The JSON of predict --json for `inputs`, after checking that the command succeeded.
  nlohmann::json predict_json(const std::string& config, std::vector<std::string> inputs,
                              std::vector<std::string> flags = {}) {
    flags.insert(flags.end(), {"--json", dir_.file("p.json")});
    const Result r = predict(config, inputs, flags);
    EXPECT_EQ(r.status, 0) << r.err;
    return read_json("p.json");
  }
  nlohmann::json eval_json(const std::string& config) {
    const Result r = run_cli({"eval", dir_.file(config), "--checkpoint", dir_.file("c.safetensors"), "--data-dir",
                              dir_.path(), "--json", dir_.file("e.json")});
    EXPECT_EQ(r.status, 0) << r.err;
    return read_json("e.json");
  }
  // Top-1 over the test IDX file against the labels, as a confusion matrix, equal to eval's.
  void expect_top1_agrees_with_eval(const std::string& config) {
    const nlohmann::json p = predict_json(config, {test_images()});
    ASSERT_EQ(p["predictions"].size(), 16u);
    nlohmann::json m = nlohmann::json::array();
    for (int t = 0; t < 3; ++t) m.push_back({0, 0, 0});
    for (int i = 0; i < 16; ++i) {
      const nlohmann::json& one = p["predictions"][i];
      EXPECT_EQ(one["input"], test_images() + "[" + std::to_string(i) + "]");
      const int predicted = one["top"][0]["class"].get<int>();
      m[testing::test_label(i)][predicted] = m[testing::test_label(i)][predicted].get<int>() + 1;
    }
    EXPECT_EQ(m, eval_json(config)["confusion_matrix"]);
  }
  void write_pgm(const std::string& name, const std::vector<std::uint8_t>& pixels) {
    std::ofstream out(dir_.file(name), std::ios::binary);
    out << "P5\n3 3\n255\n";
    out.write(reinterpret_cast<const char*>(pixels.data()), static_cast<std::streamsize>(pixels.size()));
  }
};

TEST_F(PredictCommandTest, TopOneAgreesWithEvalsConfusionMatrix) {
  train("cfg.toml", kClassifier, "c.safetensors");
  expect_top1_agrees_with_eval("cfg.toml");
  // Every prediction: the three classes by falling logit, probabilities the logits' softmax, summing to 1.
  const nlohmann::json p = read_json("p.json");
  EXPECT_EQ(p["probabilities"], "softmax");
  for (const nlohmann::json& one : p["predictions"]) {
    const std::vector<double> logits = one["logits"].get<std::vector<double>>();
    ASSERT_EQ(logits.size(), 3u);
    ASSERT_EQ(one["top"].size(), 3u);  // the default: 3, all of them here
    double sum = 0;
    for (double v : logits) sum += std::exp(v);
    double total = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const int c = one["top"][k]["class"].get<int>();
      const double probability = one["top"][k]["probability"].get<double>();
      EXPECT_NEAR(probability, std::exp(logits[static_cast<std::size_t>(c)]) / sum, 1e-15);
      if (k > 0) {
        EXPECT_GE(one["top"][k - 1]["probability"].get<double>(), probability);
      }
      total += probability;
    }
    EXPECT_NEAR(total, 1.0, 1e-15);
  }
}

TEST_F(PredictCommandTest, AnImageGivesTheLogitsOfItsIdxRow) {
  train("cfg.toml", kClassifier, "c.safetensors");
  const std::vector<std::uint8_t> pixels = testing::test_pixels(5);
  data::testing::write_png(dir_.file("five.png"), 3, 3, pixels);
  write_pgm("five.pgm", pixels);
  // stdin: the model's input values, pixels / 255 as float32 computes them, in 9 digits (float32 round trip).
  std::string values;
  for (std::uint8_t v : pixels) values += util::format_number(static_cast<float>(v) * (1.0f / 255.0f), ".9g") + " ";
  StdinFrom in(values);
  const nlohmann::json p = predict_json("cfg.toml", {test_images(), dir_.file("five.png"), dir_.file("five.pgm"), "-"});
  ASSERT_EQ(p["predictions"].size(), 19u);
  const nlohmann::json& row = p["predictions"][5];
  for (std::size_t i = 16; i < 19; ++i) {
    EXPECT_EQ(p["predictions"][i]["logits"], row["logits"]) << p["predictions"][i]["input"];
    EXPECT_EQ(p["predictions"][i]["top"], row["top"]);
  }
  EXPECT_EQ(p["predictions"][16]["input"], dir_.file("five.png"));
  EXPECT_EQ(p["predictions"][18]["input"], "-");
  // The text: one line per input, --top classes each.
  const Result r = predict("cfg.toml", {dir_.file("five.png")}, {"--top", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string top = row["top"][0]["class"].dump(), second = row["top"][1]["class"].dump();
  EXPECT_TRUE(r.out.starts_with(dir_.file("five.png") + ": " + top + " (0.")) << r.out;
  EXPECT_TRUE(contains(r.out, "), " + second + " (0.")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '('), 2) << r.out;
}

TEST_F(PredictCommandTest, StandardizeUsesTheCheckpointsStatistics) {
  train("std.toml",
        "[model]\nlayers = [9, 6, 3]\n[data]\nclasses = 3\nnormalize = \"standardize\"\n[optim]\nlr = 0.5\n",
        "c.safetensors");
  expect_top1_agrees_with_eval("std.toml");
  data::testing::write_png(dir_.file("five.png"), 3, 3, testing::test_pixels(5));
  const nlohmann::json p = predict_json("std.toml", {test_images(), dir_.file("five.png")});
  EXPECT_EQ(p["predictions"][16]["logits"], p["predictions"][5]["logits"]);
}

TEST_F(PredictCommandTest, ModelsEndingInSoftmaxGiveTheirOutput) {
  train("soft.toml",
        "[model]\nlayers = [9, 6, 3]\noutput_activation = \"log_softmax\"\n[loss]\nname = \"nll\"\n"
        "[data]\nclasses = 3\n",
        "c.safetensors");
  const nlohmann::json p = predict_json("soft.toml", {test_images()}, {"--top", "1"});
  EXPECT_EQ(p["probabilities"], "exp");
  const nlohmann::json& one = p["predictions"][0];
  ASSERT_EQ(one["top"].size(), 1u);
  const int c = one["top"][0]["class"].get<int>();
  EXPECT_DOUBLE_EQ(one["top"][0]["probability"].get<double>(), std::exp(one["logits"][c].get<double>()));
}

TEST_F(PredictCommandTest, BadInput) {
  train("cfg.toml", kClassifier, "c.safetensors");
  const std::string images = test_images();
  expect_bad_input(run_cli({"predict", dir_.file("cfg.toml"), "--checkpoint", dir_.file("none.safetensors"), images}),
                   dir_.file("none.safetensors") + ": cannot open");
  train("other.toml", "[model]\nlayers = [9, 4, 3]\n[data]\nclasses = 3\n", "other.safetensors");
  expect_bad_input(
      run_cli({"predict", dir_.file("cfg.toml"), "--checkpoint", dir_.file("other.safetensors"), images}),
      dir_.file("other.safetensors") + ": the checkpoint does not fit the model of " + dir_.file("cfg.toml"));
  // Wrong sizes: a 4 x 4 image, IDX images of 2 x 2.
  data::testing::write_png(dir_.file("big.png"), 4, 4, std::vector<std::uint8_t>(16, 7));
  expect_bad_input(predict("cfg.toml", {dir_.file("big.png")}),
                   dir_.file("big.png") +
                       ": an image of 4 x 4 = 16 pixels: expected 9 pixels, the model's input size (model.layers[0])");
  data::testing::write_raw(dir_.file("small.idx"), data::testing::idx_bytes({1, 2, 2}, {1, 2, 3, 4}));
  expect_bad_input(predict("cfg.toml", {dir_.file("small.idx")}),
                   dir_.file("small.idx") + ": images of 2 x 2 = 4 pixels: expected 9 pixels");
  // Corrupt and foreign files.
  data::testing::write_png(dir_.file("ok.png"), 3, 3, testing::test_pixels(0));
  data::testing::Bytes png = data::testing::read_raw(dir_.file("ok.png"));
  png.resize(png.size() - 20);
  data::testing::write_raw(dir_.file("cut.png"), png);
  expect_bad_input(predict("cfg.toml", {dir_.file("cut.png")}), dir_.file("cut.png") + ": corrupt PNG image: ");
  std::ofstream(dir_.file("notes.txt")) << "not an image";
  expect_bad_input(predict("cfg.toml", {dir_.file("notes.txt")}),
                   dir_.file("notes.txt") + ": neither an IDX file nor a PNG or PGM image");
  expect_bad_input(predict("cfg.toml", {dir_.file("missing.png")}), dir_.file("missing.png") + ": cannot open");
  // --top: an integer in [1, classes].
  expect_bad_input(predict("cfg.toml", {images}, {"--top", "0"}), "--top = 0: expected an integer >= 1");
  expect_bad_input(predict("cfg.toml", {images}, {"--top", "two"}), "--top = two: expected an integer >= 1");
  expect_bad_input(predict("cfg.toml", {images}, {"--top", "4"}),
                   "--top = 4: expected an integer in [1, 3], the model's classes");
  {
    StdinFrom in("0.1 0.2 x");
    expect_bad_input(predict("cfg.toml", {"-"}), "-: value 2 = \"x\": expected a number");
  }
  {
    StdinFrom in("0.1 0.2");
    expect_bad_input(predict("cfg.toml", {"-"}),
                     "-: 2 numbers on stdin: expected a positive multiple of 9, the model's input size");
  }
  expect_bad_input(predict("cfg.toml", {}), "INPUT is required");
}

TEST_F(PredictCommandTest, Help) {
  const Result r = run_cli({"predict", "--help"});
  ASSERT_EQ(r.status, 0);
  for (const char* part : {"--checkpoint FILE", "--top K", "--json FILE", "PNG", "PGM", "softmax", "Exit status"})
    EXPECT_TRUE(contains(r.out, part)) << part << " in " << r.out;
}

}  // namespace
}  // namespace descent::cli
