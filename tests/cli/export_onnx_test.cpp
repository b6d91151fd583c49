// `descent export --onnx`: the ONNX model of a checkpoint passes onnx.checker (full shape inference)
// and, in OpenCV's DNN module, gives the logits `descent predict --json` prints for the test images
// (to 1e-4, the same top class); with --output it writes both files; bad input: neither output, a
// layer without an ONNX form (before any file is written), an output in a missing directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "descent/data/npy.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/util/shell_quote.hpp"
#include "support/python_peer.hpp"
#include "trained_model.hpp"

namespace descent::cli {
namespace {

using testing::contains;
using testing::expect_bad_input;
using testing::kClassifier;
using testing::Result;
using testing::run_cli;

class ExportOnnxTest : public testing::TrainedModel {};

TEST_F(ExportOnnxTest, OpenCVGivesPredictsLogits) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  train("cfg.toml", kClassifier, "c.safetensors", 2);
  std::filesystem::create_directories(dir_.file("case"));
  const Result r = run_cli({"export", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), "--onnx",
                            dir_.file("case/model.onnx")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote " + dir_.file("case/model.onnx") + ": ONNX opset 13, input (N, 9) float32"))
      << r.out;
  const Result p = run_cli({"predict", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), test_images(),
                            "--json", dir_.file("p.json")});
  ASSERT_EQ(p.status, 0) << p.err;
  // The 16 test images as the model takes them (pixels / 255) and predict's logits for them.
  std::vector<float> pixels;
  std::vector<double> logits;
  const nlohmann::json predictions = read_json("p.json")["predictions"];
  ASSERT_EQ(predictions.size(), 16u);
  for (int i = 0; i < 16; ++i) {
    for (std::uint8_t v : testing::test_pixels(i)) pixels.push_back(static_cast<float>(v) / 255.0f);
    for (double v : predictions[static_cast<std::size_t>(i)]["logits"].get<std::vector<double>>()) logits.push_back(v);
  }
  data::save_npy(dir_.file("case/x.npy"), from_vector(pixels, {16, 9}));
  data::save_npy(dir_.file("case/logits.npy"), from_vector(logits, {16, 3}, Dtype::Float64));
  const auto check = descent::testing::run_python(std::string(DESCENT_SOURCE_DIR) + "/tests/io/onnx_check.py",
                                                  util::shell_quote(dir_.file("case")));
  EXPECT_EQ(check.status, 0) << check.out;
  std::cout << check.out;
}

TEST_F(ExportOnnxTest, WithOutputWritesBoth) {
  train("cfg.toml", kClassifier, "c.safetensors");
  const Result r = run_cli({"export", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), "--output",
                            dir_.file("w.safetensors"), "--onnx", dir_.file("m.onnx")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote " + dir_.file("m.onnx"))) << r.out;
  EXPECT_TRUE(contains(r.out, "wrote " + dir_.file("w.safetensors"))) << r.out;
  EXPECT_GT(std::filesystem::file_size(dir_.file("m.onnx")), 0u);
  EXPECT_GT(std::filesystem::file_size(dir_.file("w.safetensors")), 0u);
}

TEST_F(ExportOnnxTest, NeitherOutputIsBadInput) {
  train("cfg.toml", kClassifier, "c.safetensors");
  expect_bad_input(run_cli({"export", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors")}),
                   "export: nothing to write: expected --output W.safetensors or --onnx MODEL.onnx");
}

// Batch norm without running statistics normalizes with each batch's, which ONNX's cannot: exit 2
// naming the layer, and neither file written.
TEST_F(ExportOnnxTest, LayerWithoutOnnxFormIsBadInputNamingIt) {
  const std::string config =
      "[model]\ninput_shape = [9]\n[[model.layer]]\ntype = \"linear\"\nout_features = 6\n[[model.layer]]\n"
      "type = \"batch_norm1d\"\ntrack_running_stats = false\n[[model.layer]]\ntype = \"linear\"\nout_features = 3\n"
      "[data]\nclasses = 3\n[train]\nbatch_size = 4\n";
  train("bn.toml", config, "bn.safetensors");
  expect_bad_input(run_cli({"export", dir_.file("bn.toml"), "--checkpoint", dir_.file("bn.safetensors"), "--output",
                            dir_.file("w.safetensors"), "--onnx", dir_.file("m.onnx")}),
                   "ONNX export: layer 1 (BatchNorm1d(6, eps=1e-05, momentum=0.1, affine=True, "
                   "track_running_stats=False)): without running statistics");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("m.onnx")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("w.safetensors")));
}

TEST_F(ExportOnnxTest, OnnxInAMissingDirectoryIsBadInput) {
  train("cfg.toml", kClassifier, "c.safetensors");
  expect_bad_input(run_cli({"export", dir_.file("cfg.toml"), "--checkpoint", dir_.file("c.safetensors"), "--onnx",
                            dir_.file("missing/m.onnx")}),
                   "--onnx");
}

}  // namespace
}  // namespace descent::cli
