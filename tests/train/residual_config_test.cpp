// Layers that take earlier outputs in the [[model.layer]] form: name, input, and the merge layers add
// and concat. examples/resnet/fashion.toml parses with its shapes and builds its ResNet-8, and a few
// steps of it train (the short form of the example's run, to keep the config valid); each bad name,
// reference and shape is a ConfigError naming the layer, the key and the shapes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>

#include "config_error.hpp"
#include "descent/diagnostics/model_inspection.hpp"
#include "descent/nn/graph.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using Dims = std::vector<std::int64_t>;

// Whether `text` holds `part`, printing both when not.
::testing::AssertionResult holds(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not hold \"" << part << "\"";
}

const char* kResNet = DESCENT_SOURCE_DIR "/examples/resnet/fashion.toml";

// A model of [2, 4, 4] inputs: a named conv2d "a" of 3 channels, then `layers` (TOML tables), then
// flatten and linear to the 10 classes.
std::string residual_model(const std::string& layers) {
  return "[model]\ninput_shape = [2, 4, 4]\n"
         "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 3\nkernel_size = 3\npadding = 1\nname = \"a\"\n" +
         layers + "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
}

const char* kRelu = "[[model.layer]]\ntype = \"relu\"\n";

TEST(ResidualConfig, ResNetExampleParsesWithItsShapes) {
  const TrainConfig c = parse_config(kResNet);
  const auto& l = c.model.layer;
  ASSERT_EQ(l.size(), 31u);
  EXPECT_EQ(l[2].name, "stem");
  EXPECT_EQ(l[2].out_shape, (Dims{16, 28, 28}));
  EXPECT_EQ(l[8].type, "add");
  EXPECT_EQ(l[8].merged, (std::vector<std::size_t>{2}));
  EXPECT_EQ(l[9].out_shape, (Dims{16, 28, 28}));
  // stage 2: the 1x1 stride-2 shortcut and the first 3x3 conv both start from stage 1's output
  EXPECT_EQ(l[10].from, std::optional<std::size_t>(9));
  EXPECT_EQ(l[10].out_shape, (Dims{32, 14, 14}));
  EXPECT_EQ(l[12].from, std::optional<std::size_t>(9));
  EXPECT_EQ(l[12].in_shape, (Dims{16, 28, 28}));
  EXPECT_EQ(l[17].merged, (std::vector<std::size_t>{11}));
  EXPECT_EQ(l[18].out_shape, (Dims{32, 14, 14}));
  EXPECT_EQ(l[26].merged, (std::vector<std::size_t>{20}));
  EXPECT_EQ(l[27].out_shape, (Dims{64, 7, 7}));
  EXPECT_EQ(l[28].out_shape, (Dims{64, 1, 1}));
  EXPECT_EQ(l[29].out_shape, (Dims{64}));
  EXPECT_EQ(l[30].out_shape, (Dims{10}));
  EXPECT_EQ(c.batch_size, 128);
  EXPECT_EQ(c.epochs, 10);
}

TEST(ResidualConfig, ResNetExampleBuildsEightWeightLayersAndTwoShortcuts) {
  const TrainConfig c = parse_config(kResNet);
  Generator gen(1);
  const auto net = build_model(c, gen);
  ASSERT_NE(dynamic_cast<nn::Graph*>(net.get()), nullptr);
  ASSERT_EQ(net->size(), 31u);
  std::int64_t weights = 0, count = 0;
  for (const auto& [name, p] : net->named_parameters()) {
    weights += p.dim() >= 2;
    count += p.numel();
  }
  EXPECT_EQ(weights, 10);  // stem, 3 blocks x 2 convs, linear (8), and the two 1x1 shortcut convs
  // convs: 144 + 2x2304 + 4608 + 9216 + 512 + 18432 + 36864 + 2048; linear 650; batch norms 2 x
  // (16 x 3 + 32 x 3 + 64 x 3)
  EXPECT_EQ(count, 144 + 2 * 2304 + 4608 + 9216 + 512 + 18432 + 36864 + 2048 + 650 + 2 * (48 + 96 + 192));
  EXPECT_EQ((*net)[10]->describe(), "Conv2d(16, 32, kernel_size=(1, 1), stride=(2, 2), bias=False)");
  EXPECT_EQ((*net)[8]->describe(), "Add(inputs=['stem'])");
  net->eval();
  EXPECT_EQ(net->forward(zeros(Shape{2, 784})).shape(), (Shape{2, 10}));
  const auto outline = diagnostics::outline(*net);
  ASSERT_EQ(outline.size(), 31u);
  EXPECT_EQ(outline[8].kind, diagnostics::LayerKind::Linear);
  EXPECT_TRUE(diagnostics::inspect_structure(outline, "cross_entropy").empty());
}

// The short form of the example's run: its model, loss, optimizer and schedule for two epochs of 256
// Fashion-MNIST images (Debian's dataset-fashion-mnist), so that the config stays valid.
TEST(ResidualConfig, ResNetExampleTrainsAFewSteps) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST in " << dir;
  TrainConfig c = parse_config(kResNet);
  c.data.train_limit = 256;
  c.data.test_limit = 100;
  c.epochs = 2;
  c.batch_size = 32;
  std::ostringstream out;
  RunOptions options;
  options.data_dir = dir;
  options.threads = 1;
  const RunSummary s = run_training(c, options, out);
  ASSERT_EQ(s.epochs.size(), 2u);
  EXPECT_TRUE(std::isfinite(s.epochs[1].train_loss)) << out.str();
  EXPECT_LT(s.epochs[1].train_loss, s.epochs[0].train_loss) << out.str();
  EXPECT_GT(s.epochs[1].test_correct, 10) << out.str();  // better than chance's 10 of 100
}

TEST(ResidualConfig, ConcatJoinsChannelsAndInputTakesAnEarlierOutput) {
  const TrainConfig c = parse_config_string(
      residual_model(
          std::string(kRelu) +
          "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 5\nkernel_size = 1\ninput = \"a\"\nname = \"b\"\n"
          "[[model.layer]]\ntype = \"concat\"\ninputs = [\"a\", \"b\"]\ndim = 1\n"),
      "cat.toml");
  EXPECT_EQ(c.model.layer[2].in_shape, (Dims{3, 4, 4}));
  EXPECT_EQ(c.model.layer[3].out_shape, (Dims{5 + 3 + 5, 4, 4}));
  EXPECT_EQ(c.model.layer[3].merged, (std::vector<std::size_t>{0, 2}));
  Generator gen(1);
  const auto net = build_model(c, gen);
  EXPECT_EQ(net->forward(zeros(Shape{3, 32})).shape(), (Shape{3, 10}));
}

TEST(ResidualConfig, UnknownNamesAreErrors) {
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"add\"\ninputs = [\"b\"]\n")),
            "cfg.toml: model.layer[1].inputs = [\"b\"]: expected names of earlier layers: no layer is named \"b\" "
            "(named earlier: a)");
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\ninput = \"stem\"\n")),
            "cfg.toml: model.layer[1].input = \"stem\": expected names of earlier layers: no layer is named "
            "\"stem\" (named earlier: a)");
}

TEST(ResidualConfig, ANameUsedTwiceIsAnError) {
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\nname = \"a\"\n")),
            "cfg.toml: model.layer[1].name = \"a\": expected a name no other layer has (model.layer[0] is named so)");
}

TEST(ResidualConfig, ForwardAndSelfReferencesAreErrors) {
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"add\"\ninputs = [\"later\"]\n"
                                        "[[model.layer]]\ntype = \"relu\"\nname = \"later\"\n")),
            "cfg.toml: model.layer[1].inputs = [\"later\"]: expected names of earlier layers: \"later\" is "
            "model.layer[2], a later one (a layer takes only the outputs of the layers before it)");
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"add\"\ninputs = [\"me\"]\nname = \"me\"\n")),
            "cfg.toml: model.layer[1].inputs = [\"me\"]: expected names of earlier layers: \"me\" is "
            "model.layer[1], this layer (a layer takes only the outputs of the layers before it)");
  EXPECT_TRUE(holds(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\ninput = \"me\"\nname = \"me\"\n")),
                    "model.layer[1].input = \"me\": expected names of earlier layers: \"me\" is model.layer[1], "
                    "this layer"));
}

TEST(ResidualConfig, ShapesThatCannotBeMergedNameTheLayerAndTheShapes) {
  const std::string pool = "[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\n";
  EXPECT_EQ(config_error(residual_model(pool + "[[model.layer]]\ntype = \"add\"\ninputs = [\"a\"]\n")),
            "cfg.toml: model.layer[2].inputs = [\"a\"]: expected outputs of one shape to add, got [3, 2, 2] (the "
            "previous layer's), [3, 4, 4] (a's)");
  EXPECT_EQ(config_error(residual_model(pool + "[[model.layer]]\ntype = \"concat\"\ninputs = [\"a\"]\n")),
            "cfg.toml: model.layer[2].inputs = [\"a\"]: expected outputs that differ only in dimension 1 to join, "
            "got [3, 2, 2] (the previous layer's), [3, 4, 4] (a's)");
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"concat\"\ninputs = [\"a\"]\ndim = 4\n")),
            "cfg.toml: model.layer[1].dim = 4: expected dim < 4, the input's rank with the batch (input shape "
            "[3, 4, 4])");
}

TEST(ResidualConfig, BadNamesAndInputsValues) {
  const std::string name_expected = ": expected a name of letters, digits, '_', '-' and '.', e.g. \"block1_in\"";
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\nname = 3\n")),
            "cfg.toml: model.layer[1].name = 3" + name_expected);
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\nname = \"\"\n")),
            "cfg.toml: model.layer[1].name = \"\"" + name_expected);
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\nname = \"a,b\"\n")),
            "cfg.toml: model.layer[1].name = \"a,b\"" + name_expected);
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\ninput = [\"a\"]\n")),
            "cfg.toml: model.layer[1].input = [\"a\"]" + name_expected);
  const std::string inputs_expected = ": expected an array of earlier layers' names, e.g. [\"block1_in\"]";
  for (const char* bad : {"\"a\"", "[]", "[1]", "[\"\"]"})
    EXPECT_EQ(config_error(residual_model(std::string("[[model.layer]]\ntype = \"add\"\ninputs = ") + bad + "\n")),
              std::string("cfg.toml: model.layer[1].inputs = ") + bad + inputs_expected)
        << bad;
  EXPECT_EQ(config_error(residual_model("[[model.layer]]\ntype = \"add\"\n")),
            "cfg.toml: missing required key model.layer[1].inputs (for type = \"add\": an array of earlier "
            "layers' names, e.g. [\"block1_in\"])");
  EXPECT_TRUE(holds(config_error(residual_model("[[model.layer]]\ntype = \"add\"\ninputs = [\"a\"]\ndim = 1\n")),
                    "unknown key model.layer[1].dim (known keys in [model.layer[1]] for type = \"add\": type, "
                    "inputs)"));
  EXPECT_TRUE(holds(config_error(residual_model("[[model.layer]]\ntype = \"relu\"\ninputs = [\"a\"]\n")),
                    "unknown key model.layer[1].inputs"));
}

}  // namespace
}  // namespace descent::train
