// ONNX export: every exported model passes onnx.checker.check_model(full_check=True) (ONNX's shape
// inference in strict mode, Debian's python3-onnx), and OpenCV's DNN module (python3-opencv,
// cv2.dnn.readNetFromONNX) running it gives descent's own outputs to 1e-4 with the same argmax on
// every image: the MLP examples, LeNet, ResNet-8 (add), batch norm and dropout in eval form, pooling
// variants, the activations. The images are Fashion-MNIST's first test images (Debian's
// dataset-fashion-mnist), or uniform noise without it; the models are trained a few steps so that
// their predictions spread over classes. tests/io/onnx_check.py does the Python side.
#include "descent/io/onnx_export.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "data/idx_files.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/data/idx.hpp"
#include "descent/data/npy.hpp"
#include "descent/error.hpp"
#include "descent/nn/batch_norm.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/tensor/argmax.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/util/join.hpp"
#include "descent/util/shell_quote.hpp"
#include "support/python_peer.hpp"

namespace descent::io {
namespace {

namespace fs = std::filesystem;
using data::testing::TempDir;
using descent::testing::run_python;

const std::string kSource = DESCENT_SOURCE_DIR;
const std::string kCheck = kSource + "/tests/io/onnx_check.py";

struct Images {
  Tensor x;  // (n, 784) float32 pixels / 255, as data.normalize = "unit" gives them
  Tensor y;  // (n) int64 labels
};

// Fashion-MNIST's first n test images, or n images of uniform noise labelled i % 10 without the package.
Images test_images(std::int64_t n) {
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  std::vector<float> pixels(static_cast<std::size_t>(n * 784));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  if (fs::exists(dir + "t10k-images-idx3-ubyte.gz")) {
    const data::IdxArray images = data::read_idx(dir + "t10k-images-idx3-ubyte.gz");
    const data::IdxArray classes = data::read_idx(dir + "t10k-labels-idx1-ubyte.gz");
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<float>(images.data[i]) / 255.0f;
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = classes.data[i];
  } else {
    Generator gen(7);
    const std::vector<double> noise = rand({n * 784}, Dtype::Float32, &gen).to_vector();
    pixels.assign(noise.begin(), noise.end());
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 10);
  }
  return {from_vector(pixels, {n, 784}), from_vector(labels, {n})};
}

// The config's network after `steps` steps of its loss and optimizer on the first 100 images, then
// `settle` forward passes in training mode that bring batch norm's running statistics near the
// images' (a few steps leave them near their initial 0 and 1), in evaluation mode.
std::shared_ptr<nn::Module> trained(const train::TrainConfig& config, const Images& images, int steps, int settle = 0) {
  Generator gen(1);
  std::shared_ptr<nn::Module> model = train::build_network(config, gen);
  const train::LossFn loss = train::build_loss(config);
  auto optimizer = train::build_optimizer(config, *model);
  const Tensor x = images.x.slice(0, 100).to(config.dtype);
  const Tensor y = images.y.slice(0, 100);
  for (int i = 0; i < steps; ++i) {
    optimizer->zero_grad();
    loss(model->forward(x), y).backward();
    optimizer->step();
  }
  NoGradGuard no_grad;
  for (int i = 0; i < settle; ++i) model->forward(x);
  model->eval();
  return model;
}

// Exports `model` into `dir` as model.onnx for onnx_check.py; with `x` (float32 images (n, 784)), also
// the input x.npy it is to be run on in OpenCV and descent's outputs, logits.npy (its forward in
// `dtype`, the model's), expecting predictions of more than one class.
void write_case(nn::Module& model, const std::vector<std::int64_t>& example_shape, const Tensor& x,
                const std::string& dir, Dtype dtype = Dtype::Float32) {
  fs::create_directories(dir);
  export_onnx(model, example_shape, dir + "/model.onnx");
  if (!x.defined()) return;
  Shape shape{x.shape()[0]};
  for (std::int64_t d : example_shape) shape.push_back(d);
  NoGradGuard no_grad;
  const Tensor logits = model.forward(x.to(dtype));
  data::save_npy(dir + "/x.npy", x.reshape(shape).contiguous());
  data::save_npy(dir + "/logits.npy", logits.to(Dtype::Float64).contiguous());
  const std::vector<double> predicted = argmax(logits, 1).to_vector();
  EXPECT_GT(std::set<double>(predicted.begin(), predicted.end()).size(), 1u) << "every image predicted as one class";
}

// onnx_check.py on the cases in `dirs`, at one go.
void expect_checks_pass(const std::vector<std::string>& dirs) {
  std::string args;
  for (const std::string& dir : dirs) args.append(" ").append(util::shell_quote(dir));
  const descent::testing::PythonRun run = run_python(kCheck, args);
  EXPECT_EQ(run.status, 0) << run.out;
  std::cout << run.out;
}

// One model through write_case and onnx_check.py (OpenCV too when `x` is given).
void expect_onnx_matches(nn::Module& model, const std::vector<std::int64_t>& example_shape, const Tensor& x,
                         Dtype dtype = Dtype::Float32) {
  TempDir dir;
  write_case(model, example_shape, x, dir.path(), dtype);
  expect_checks_pass({dir.path()});
}

train::TrainConfig config_file(const std::string& relative) { return train::parse_config(kSource + "/" + relative); }

// Each MLP of examples/nielsen/ once (lr_0.1.toml and lr_0.001.toml train config.toml's model).
TEST(OnnxExport, NielsenExamplesRunInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(1000);
  TempDir dir;
  std::set<std::string> models;
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(kSource + "/examples/nielsen")) {
    if (entry.path().extension() != ".toml") continue;
    const train::TrainConfig c = train::parse_config(entry.path().string());
    const std::string model = util::join(c.model.layers) + c.model.activation + c.model.output_activation +
                              (c.model.bias ? "" : " without bias");
    if (!models.insert(model).second) continue;
    SCOPED_TRACE(entry.path().string());
    cases.push_back(dir.file(entry.path().stem().string()));
    write_case(*trained(c, images, 3), c.model.example_shape(), images.x, cases.back());
  }
  expect_checks_pass(cases);
  EXPECT_GE(models.size(), 2u);
}

TEST(OnnxExport, LeNetRunsInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(1000);
  const train::TrainConfig c = config_file("examples/lenet/mnist.toml");
  expect_onnx_matches(*trained(c, images, 3), c.model.example_shape(), images.x);
}

// A [[model.layer]] table: layer("conv2d", "out_channels = 4\nkernel_size = 3").
std::string layer(const std::string& type, const std::string& options = "") {
  std::string text = "[[model.layer]]\ntype = \"";
  text.append(type).append("\"\n").append(options);
  if (!options.empty()) text.append("\n");
  return text;
}

// A classifier of Fashion-MNIST images viewed as `input_shape`, with `layers`; cross-entropy and SGD
// (or the [optim] keys `optim`).
train::TrainConfig layer_config(const std::string& input_shape, const std::string& layers,
                                const std::string& optim = "name = \"sgd\"\nlr = 0.05") {
  std::string text = "[model]\ninput_shape = ";
  text.append(input_shape).append("\n").append(layers);
  text.append("[loss]\nname = \"cross_entropy\"\n[optim]\n").append(optim).append("\n[data]\nclasses = 10\n");
  return train::parse_config_string(text, "onnx_export_test.toml");
}

// Batch norm (its running statistics, moved by the training steps) and dropout in their eval form.
TEST(OnnxExport, BatchNormAndDropoutRunInEvalFormInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(500);
  const train::TrainConfig c = layer_config(
      "[1, 28, 28]", layer("conv2d", "out_channels = 4\nkernel_size = 3") + layer("batch_norm2d", "eps = 1e-3") +
                         layer("relu") + layer("dropout", "p = 0.3") + layer("max_pool2d", "kernel_size = 2") +
                         layer("flatten") + layer("linear", "out_features = 32") + layer("batch_norm1d") +
                         layer("relu") + layer("dropout") + layer("linear", "out_features = 10"));
  expect_onnx_matches(*trained(c, images, 3), c.model.example_shape(), images.x);
}

// Strides, padding and count_include_pad (its default True written as a zero Pad before the pooling).
TEST(OnnxExport, PoolingVariantsRunInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(500);
  const train::TrainConfig c = layer_config(
      "[1, 28, 28]",
      layer("conv2d", "out_channels = 3\nkernel_size = 3\npadding = 1") +
          layer("max_pool2d", "kernel_size = 3\nstride = 2\npadding = 1") +  // -> [3, 14, 14]
          layer("avg_pool2d", "kernel_size = 3\nstride = 1\npadding = 1\ncount_include_pad = false") +
          layer("avg_pool2d", "kernel_size = [3, 2]\nstride = [1, 2]\npadding = [1, 0]") +  // -> [3, 14, 7]
          layer("max_pool2d", "kernel_size = 2") + layer("flatten") + layer("linear", "out_features = 10"));
  expect_onnx_matches(*trained(c, images, 3), c.model.example_shape(), images.x);
}

// ResNet-8's residual blocks: a Graph whose add layers take earlier outputs.
TEST(OnnxExport, ResNetExampleRunsInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(100);
  const train::TrainConfig c = config_file("examples/resnet/fashion.toml");
  expect_onnx_matches(*trained(c, images, 2, 10), c.model.example_shape(), images.x);
}

// A concat of earlier outputs and a flatten of some dimensions only (a Reshape).
TEST(OnnxExport, ConcatAndPartialFlattenRunInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(300);
  const train::TrainConfig c = layer_config(
      "[1, 28, 28]", layer("conv2d", "out_channels = 2\nkernel_size = 3\npadding = 1\nname = \"a\"") + layer("relu") +
                         layer("conv2d", "out_channels = 3\nkernel_size = 3\npadding = 1") +
                         layer("concat", "inputs = [\"a\"]") + layer("max_pool2d", "kernel_size = 4") +
                         layer("flatten", "start_dim = 2") + layer("flatten") + layer("linear", "out_features = 10"));
  expect_onnx_matches(*trained(c, images, 3), c.model.example_shape(), images.x);
}

// Every activation but Hardtanh and Softplus's threshold, and a final softmax.
TEST(OnnxExport, ActivationsRunInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(300);
  const std::string linear = layer("linear", "out_features = 32");
  const train::TrainConfig c =
      layer_config("[784]",
                   linear + layer("gelu") + linear + layer("elu", "alpha = 0.5") + linear +
                       layer("leaky_relu", "negative_slope = 0.1") + linear + layer("softplus", "beta = 2") + linear +
                       layer("tanh") + linear + layer("sigmoid") + layer("identity") +
                       layer("linear", "out_features = 10") + layer("log_softmax") + layer("softmax"),
                   "name = \"adam\"\nlr = 0.01");
  expect_onnx_matches(*trained(c, images, 10), c.model.example_shape(), images.x);
}

// What OpenCV 4.6 does not take, through the checker alone: MaxPool's dilations; Hardtanh (Clip, whose
// bounds are inputs in opset 13); Softplus below its threshold (a Where); LayerNorm (its formula, which
// broadcasts (N, D) against (N, 1)).
TEST(OnnxExport, LayersOpenCVLacksPassTheChecker) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  const train::TrainConfig pooling =
      layer_config("[1, 28, 28]", layer("max_pool2d", "kernel_size = 2\ndilation = 2") + layer("flatten") +
                                      layer("linear", "out_features = 10"));
  const train::TrainConfig mlp =
      layer_config("[784]", layer("linear", "out_features = 32") + layer("softplus", "beta = 2\nthreshold = 5") +
                                layer("hardtanh", "min_val = -0.5\nmax_val = 2") + layer("layer_norm") +
                                layer("linear", "out_features = 10"));
  TempDir dir;
  Generator gen(1);
  write_case(*train::build_network(pooling, gen), pooling.model.example_shape(), Tensor(), dir.file("pooling"));
  write_case(*train::build_network(mlp, gen), mlp.model.example_shape(), Tensor(), dir.file("mlp"));
  expect_checks_pass({dir.file("pooling"), dir.file("mlp")});
}

// A Siamese model exports its tower, which embeds one image.
TEST(OnnxExport, SiameseModelExportsItsTower) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(200);
  const train::TrainConfig c = config_file("examples/siamese/cnn.toml");
  Generator gen(1);
  const std::shared_ptr<nn::Module> model = train::build_network(c, gen);
  auto& siamese = dynamic_cast<nn::Siamese&>(*model);
  siamese.eval();
  TempDir dir;
  export_onnx(siamese, c.model.example_shape(), dir.file("siamese.onnx"));
  export_onnx(*siamese.tower(), c.model.example_shape(), dir.file("tower.onnx"));
  EXPECT_EQ(data::testing::read_raw(dir.file("siamese.onnx")), data::testing::read_raw(dir.file("tower.onnx")));
  expect_onnx_matches(*siamese.tower(), c.model.example_shape(), images.x);
}

// A float64 model: its weights exported as float32, its outputs within 1e-4 of descent's float64 ones.
TEST(OnnxExport, Float64ModelRunsInOpenCV) {
  DESCENT_REQUIRE_PYTHON("onnx", "python3-onnx");
  DESCENT_REQUIRE_PYTHON("cv2", "python3-opencv");
  const Images images = test_images(500);
  train::TrainConfig c = config_file("examples/lenet/mnist.toml");
  c.dtype = Dtype::Float64;
  expect_onnx_matches(*trained(c, images, 3), c.model.example_shape(), images.x, Dtype::Float64);
}

// A layer of no exportable kind.
class Cube : public nn::Module {
 public:
  Tensor forward(const Tensor& input) override { return input * input * input; }
  std::string describe() const override { return "Cube()"; }
};

TEST(OnnxExport, LayerWithoutOnnxFormIsAnErrorNamingIt) {
  nn::Sequential model{std::make_shared<nn::Linear>(4, 3), std::make_shared<Cube>()};
  const std::string message = data::testing::error_message<ValueError>([&] { onnx_model_bytes(model, {4}); });
  EXPECT_NE(message.find("layer 1 (Cube())"), std::string::npos) << message;
  EXPECT_NE(message.find("no ONNX form for this layer (exportable: Linear, Conv2d"), std::string::npos) << message;
}

TEST(OnnxExport, BatchNormWithoutRunningStatisticsIsAnError) {
  const train::TrainConfig c =
      layer_config("[784]", layer("linear", "out_features = 8") + layer("batch_norm1d", "track_running_stats = false") +
                                layer("linear", "out_features = 10"));
  Generator gen(1);
  const auto model = train::build_network(c, gen);
  const std::string message = data::testing::error_message<ValueError>([&] { onnx_model_bytes(*model, {784}); });
  EXPECT_NE(message.find("layer 1 (BatchNorm1d(8, eps=1e-05"), std::string::npos) << message;
  EXPECT_NE(message.find("track_running_stats=False"), std::string::npos) << message;
}

TEST(OnnxExport, InputOfAnotherShapeIsAShapeError) {
  nn::Sequential model{std::make_shared<nn::Linear>(784, 10)};
  const std::string message = data::testing::error_message<ShapeError>([&] { onnx_model_bytes(model, {1, 28, 28}); });
  EXPECT_NE(message.find("layer 0 (Linear(in_features=784, out_features=10, bias=True)): input of shape (N, 1, 28, "
                         "28): expected one dimension"),
            std::string::npos)
      << message;
}

// Written through a temporary file: an unwritable path is an IoError naming it, and leaves nothing.
TEST(OnnxExport, UnwritablePathIsAnIoErrorNamingIt) {
  TempDir dir;
  nn::Sequential model{std::make_shared<nn::Linear>(4, 3)};
  const std::string path = dir.file("missing/model.onnx");
  const std::string message = data::testing::error_message<IoError>([&] { export_onnx(model, {4}, path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir.file("missing")));
}

}  // namespace
}  // namespace descent::io
