// The [[model.layer]] form of [model]: the LeNet examples parse with every shape inferred; each bad
// type, key or value, and each layer that cannot take its input shape, gives a ConfigError naming
// the layer's index and key; the loss options parse and are checked. A short LeNet run on
// Fashion-MNIST lowers the loss.
#include "descent/train/layer_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "config_error.hpp"
#include "descent/error.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"

namespace descent::train {
namespace {

using Dims = std::vector<std::int64_t>;

std::string error_for(const std::string& text) { return config_error(text, "lenet.toml"); }

// A model of [1, 8, 8] images: `layers` (each "[[model.layer]]" table in TOML), then flatten and a
// linear layer to the 10 classes.
std::string model(const std::string& layers) {
  return "[model]\ninput_shape = [1, 8, 8]\n" + layers +
         "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
}

const char* kConv = "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 4\nkernel_size = 3\n";

TEST(LayerConfig, LeNetExamplesParseWithTheirShapes) {
  for (const char* name : {"mnist.toml", "fashion.toml"}) {
    const TrainConfig c = parse_config(std::string(DESCENT_SOURCE_DIR "/examples/lenet/") + name);
    EXPECT_TRUE(c.model.layers.empty());
    EXPECT_EQ(c.model.input_shape, (Dims{1, 28, 28}));
    ASSERT_EQ(c.model.layer.size(), 12u);
    EXPECT_EQ(c.model.layer[0].type, "conv2d");
    EXPECT_EQ(c.model.layer[0].option("out_channels"), "6");
    EXPECT_EQ(c.model.layer[0].option("kernel_size"), "5");
    EXPECT_EQ(c.model.layer[0].option("padding"), "2");
    EXPECT_EQ(c.model.layer[0].out_shape, (Dims{6, 28, 28}));
    EXPECT_EQ(c.model.layer[2].out_shape, (Dims{6, 14, 14}));
    EXPECT_EQ(c.model.layer[3].in_shape, (Dims{6, 14, 14}));
    EXPECT_EQ(c.model.layer[3].out_shape, (Dims{16, 10, 10}));
    EXPECT_EQ(c.model.layer[5].out_shape, (Dims{16, 5, 5}));
    EXPECT_EQ(c.model.layer[6].out_shape, (Dims{400}));
    EXPECT_EQ(c.model.layer[7].in_shape, (Dims{400}));
    EXPECT_EQ(c.model.layer[11].out_shape, (Dims{10}));
    EXPECT_EQ(c.model.input_size(), 784);
    EXPECT_EQ(c.model.output_size(), 10);
    EXPECT_EQ(c.loss.name, "cross_entropy");
    EXPECT_EQ(c.batch_size, 64);
    EXPECT_EQ(c.epochs, 10);
  }
}

TEST(LayerConfig, BuildsTheLayersWithInferredSizes) {
  const TrainConfig c = parse_config(DESCENT_SOURCE_DIR "/examples/lenet/mnist.toml");
  Generator gen(1);
  const auto net = build_model(c, gen);
  ASSERT_EQ(net->size(), 12u);
  EXPECT_EQ(net->named_parameters().size(), 10u);  // 2 conv + 3 linear, each weight and bias
  EXPECT_EQ((*net)[3]->describe(), "Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))");
  Tensor x = zeros(Shape{2, 784});
  EXPECT_EQ(net->forward(x).shape(), (Shape{2, 10}));
}

TEST(LayerConfig, EveryLayerTypeParsesAndBuilds) {
  const TrainConfig c = parse_config_string(R"(
[model]
input_shape = [2, 6, 6]
[[model.layer]]
type = "conv2d"
out_channels = 3
kernel_size = [3, 1]
stride = 1
padding = [1, 0]
dilation = 1
bias = false
[[model.layer]]
type = "batch_norm2d"
eps = 1e-3
momentum = 0.2
[[model.layer]]
type = "avg_pool2d"
kernel_size = 2
count_include_pad = false
[[model.layer]]
type = "max_pool2d"
kernel_size = 3
stride = 1
padding = 1
[[model.layer]]
type = "leaky_relu"
negative_slope = 0.1
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "layer_norm"
[[model.layer]]
type = "dropout"
p = 0.25
[[model.layer]]
type = "linear"
out_features = 8
[[model.layer]]
type = "batch_norm1d"
[[model.layer]]
type = "elu"
alpha = 0.5
[[model.layer]]
type = "softplus"
beta = 2
threshold = 10
[[model.layer]]
type = "gelu"
[[model.layer]]
type = "tanh"
[[model.layer]]
type = "sigmoid"
[[model.layer]]
type = "identity"
[[model.layer]]
type = "linear"
out_features = 10
[[model.layer]]
type = "log_softmax"
dim = 1
[loss]
name = "nll"
weight = [1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
)",
                                            "all.toml");
  EXPECT_EQ(c.model.layer[0].out_shape, (Dims{3, 6, 6}));
  EXPECT_EQ(c.model.layer[2].out_shape, (Dims{3, 3, 3}));
  EXPECT_EQ(c.model.layer[3].out_shape, (Dims{3, 3, 3}));
  EXPECT_EQ(c.model.layer[5].out_shape, (Dims{27}));
  EXPECT_EQ(c.loss.numbers("weight").size(), 10u);
  Generator gen(1);
  const auto net = build_model(c, gen);
  net->eval();
  EXPECT_EQ(net->forward(zeros(Shape{4, 72})).shape(), (Shape{4, 10}));
  EXPECT_EQ((*net)[11]->describe(), "Softplus(beta=2, threshold=10)");
}

TEST(LayerConfig, BadTypesKeysAndValuesNameTheLayer) {
  // The allowed types are the layer registry's, sorted by name (tests/nn/layer_type_test.cpp).
  const std::string types = util::join(nn::layer_type_names());
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"conv3d\"\n")),
            "lenet.toml: model.layer[0].type = \"conv3d\": expected one of " + types);
  EXPECT_EQ(error_for(model("[[model.layer]]\nout_channels = 3\n")),
            "lenet.toml: missing required key model.layer[0].type (one of " + types + ")");
  EXPECT_EQ(error_for(model(std::string(kConv) + "[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 0\n")),
            "lenet.toml: model.layer[1].kernel_size = 0: expected kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"conv2d\"\nkernel_size = 3\n")),
            "lenet.toml: missing required key model.layer[0].out_channels (for type = \"conv2d\": an integer "
            "out_channels >= 1)");
  EXPECT_EQ(error_for(model(std::string(kConv) + "in_channels = 1\n")),
            "lenet.toml: unknown key model.layer[0].in_channels (known keys in [model.layer[0]] for type = \"conv2d\": "
            "type, out_channels, kernel_size, stride, padding, dilation, bias, weight_init, bias_init)");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2.5\nkernel_size = 3\n")),
            "lenet.toml: model.layer[0].out_channels = 2.5: expected an integer");
  EXPECT_EQ(
      error_for(model("[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2\nkernel_size = [3, 3, 3]\n")),
      "lenet.toml: model.layer[0].kernel_size = [3, 3, 3]: expected kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(error_for(model(std::string(kConv) + "padding = -1\n")),
            "lenet.toml: model.layer[0].padding = -1: expected padding >= 0, an integer or [height, width]");
  EXPECT_EQ(error_for(model(std::string(kConv) + "bias = 1\n")),
            "lenet.toml: model.layer[0].bias = 1: expected true or false");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"dropout\"\np = 1.5\n")),
            "lenet.toml: model.layer[0].p = 1.5: expected p in [0, 1]");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"softplus\"\nbeta = 0\n")),
            "lenet.toml: model.layer[0].beta = 0: expected beta > 0");
  EXPECT_EQ(
      error_for(model("[[model.layer]]\ntype = \"relu\"\nnegative_slope = 0.1\n")),
      "lenet.toml: unknown key model.layer[0].negative_slope (known keys in [model.layer[0]] for type = \"relu\": "
      "type)");
}

TEST(LayerConfig, TheTwoModelFormsAreExclusive) {
  EXPECT_EQ(error_for("[model]\nlayers = [784, 10]\n[[model.layer]]\ntype = \"relu\"\n"),
            "lenet.toml: model.layers = [784, 10]: expected either layers = [...] or [[model.layer]] tables with "
            "input_shape, not both");
  EXPECT_EQ(error_for("[model]\ninput_shape = [784]\nactivation = \"relu\"\n[[model.layer]]\ntype = \"linear\"\n"
                      "out_features = 10\n"),
            "lenet.toml: unknown key model.activation (known keys in [model] with [[model.layer]]; layers = [...] is "
            "the other, exclusive form: input_shape, layer, weights, init_from, init_strict, siamese, weight_init, "
            "bias_init)");
  EXPECT_EQ(error_for("[model]\ninput_shape = [1, 0, 28]\n"),
            "lenet.toml: model.input_shape = [1, 0, 28]: expected an array of positive integers, e.g. [1, 28, 28]");
}

TEST(LayerConfig, ShapeErrorsNameTheLayerAndItsInput) {
  EXPECT_EQ(error_for("[model]\n[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2\nkernel_size = 3\n"),
            "lenet.toml: model.layer[0] (conv2d): input shape [784]: expected three dimensions [channels, height, "
            "width] (set model.input_shape, e.g. [1, 28, 28])");
  EXPECT_EQ(error_for("[model]\ninput_shape = [1, 8, 8]\n" + std::string(kConv) +
                      "[[model.layer]]\ntype = \"linear\"\nout_features = 10\n"),
            "lenet.toml: model.layer[1] (linear): input shape [4, 6, 6]: expected one dimension (add a flatten layer "
            "before it)");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"conv2d\"\nout_channels = 2\nkernel_size = 9\n")),
            "lenet.toml: model.layer[0].kernel_size = 9: expected a window (dilated) no larger than the padded input, "
            "8 x 8 (input shape [1, 8, 8])");
  EXPECT_EQ(error_for(model("[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\npadding = 2\n")),
            "lenet.toml: model.layer[0].padding = 2: expected at most half of kernel_size = 2 (input shape [1, 8, 8])");
  EXPECT_EQ(error_for("[model]\ninput_shape = [1, 8, 8]\n" + std::string(kConv)),
            "lenet.toml: model.layer[0] (conv2d): output shape [4, 6, 6]: expected one dimension, one output per class "
            "(end with a linear layer)");
  EXPECT_EQ(error_for(model("") + "[data]\nclasses = 3\n"),
            "lenet.toml: model.layer[1] (linear): output shape [10]: expected 3 outputs, data.classes");
  EXPECT_EQ(error_for("[model]\n[[model.layer]]\ntype = \"batch_norm2d\"\n"),
            "lenet.toml: model.layer[0] (batch_norm2d): input shape [784]: expected [channels, height, width]");
}

TEST(LayerConfig, LossOptions) {
  const TrainConfig c = parse_config_string(model("") +
                                                "[loss]\nname = \"cross_entropy\"\nlabel_smoothing = 0.1\n"
                                                "weight = [1, 2, 1, 1, 1, 1, 1, 1, 1, 0.5]\nreduction = \"sum\"\n",
                                            "lenet.toml");
  EXPECT_EQ(c.loss.number("label_smoothing"), 0.1);
  EXPECT_EQ(c.loss.numbers("weight")[1], 2.0);
  EXPECT_EQ(c.loss.option("reduction"), "sum");
  EXPECT_EQ(parse_config_string(model("") + "[loss]\nname = \"huber\"\ndelta = 0.5\n", "x").loss.number("delta"), 0.5);
  EXPECT_EQ(parse_config_string(model("") + "[loss]\nname = \"smooth_l1\"\nbeta = 0\n", "x").loss.number("beta"), 0.0);
  for (const char* name : {"nll", "mse", "quadratic", "l1", "bce_with_logits"})
    EXPECT_EQ(parse_config_string(model("") + "[loss]\nname = \"" + name + "\"\n", "x").loss.name, name);

  EXPECT_EQ(error_for(model("") + "[loss]\nlabel_smoothing = 1.5\n"),
            "lenet.toml: loss.label_smoothing = 1.5: expected label_smoothing in [0, 1]");
  EXPECT_EQ(error_for(model("") + "[loss]\nname = \"mse\"\nlabel_smoothing = 0.1\n"),
            "lenet.toml: unknown key loss.label_smoothing (known keys in [loss] for mse: name, reduction)");
  EXPECT_EQ(error_for(model("") + "[loss]\nweight = [1, 2]\n"),
            "lenet.toml: loss.weight = [1, 2]: expected 10 numbers, one per class (data.classes)");
  EXPECT_EQ(error_for(model("") + "[loss]\nweight = [1, -2]\n"),
            "lenet.toml: loss.weight = [1, -2]: expected an array of one number >= 0 per class, e.g. [1.0, 2.0]");
  EXPECT_EQ(error_for(model("") + "[loss]\nname = \"huber\"\ndelta = 0\n"),
            "lenet.toml: loss.delta = 0: expected delta > 0");
}

TEST(LayerConfig, EveryLossRunsOnLabels) {
  for (const char* name : {"cross_entropy", "nll", "mse", "quadratic", "l1", "huber", "smooth_l1", "bce_with_logits"}) {
    const TrainConfig c = parse_config_string(model("") + "[loss]\nname = \"" + name + "\"\n", "x");
    const LossFn loss = build_loss(c);
    const Tensor out = from_vector(std::vector<double>(30, -1.0), Shape{3, 10});  // nll: -x[y] = 1
    const Tensor labels = from_vector(std::vector<std::int64_t>{1, 2, 3}, Shape{3});
    EXPECT_GT(loss(out, labels).item(), 0.0) << name;
  }
}

// LeNet on the first 640 Fashion-MNIST images (Debian's dataset-fashion-mnist), batches of 16 and lr
// 0.05 so that two short epochs are enough: the loss falls from ln 10 = 2.30 and the test accuracy
// beats chance.
TEST(LayerConfig, LeNetLearnsOnAFewHundredFashionMnistImages) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST in " << dir;
  TrainConfig c = parse_config(DESCENT_SOURCE_DIR "/examples/lenet/fashion.toml");
  c.data.train_limit = 640;
  c.data.test_limit = 500;
  c.epochs = 2;
  c.batch_size = 16;
  for (auto& [name, value] : c.optim.options)
    if (name == "lr") value = "0.05";
  std::ostringstream out;
  RunOptions options;
  options.data_dir = dir;
  const RunSummary s = run_training(c, options, out);
  ASSERT_EQ(s.epochs.size(), 2u);
  EXPECT_LT(s.epochs[1].train_loss, s.epochs[0].train_loss) << out.str();
  EXPECT_LT(s.epochs[1].train_loss, 2.2) << out.str();
  EXPECT_GT(s.epochs[1].test_correct, 100) << out.str();  // better than the 50 of chance
}

}  // namespace
}  // namespace descent::train
