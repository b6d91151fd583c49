// The layer registry: every type sorted by name and found by name; each entry's options, checks and
// output shape agree with the module it makes; the docs and help list every type; the initialiser
// table's rows set what they say.
#include "descent/nn/layer_type.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "descent/descent.hpp"
#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_reference.hpp"

namespace descent::nn {
namespace {

using util::NameValuePairs;

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(LayerType, RegistryHoldsEveryLayerSortedByName) {
  const std::vector<std::string> names = layer_type_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (const char* name : {"avg_pool2d", "batch_norm1d", "batch_norm2d", "conv2d", "dropout", "elu", "flatten", "gelu",
                           "identity", "layer_norm", "leaky_relu", "linear", "log_softmax", "max_pool2d", "relu",
                           "sigmoid", "softmax", "softplus", "tanh"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_EQ(layer_types().size(), names.size());
  const std::vector<std::string> activations = activation_names();
  for (const char* name :
       {"elu", "gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "softplus", "tanh"})
    EXPECT_NE(std::find(activations.begin(), activations.end(), name), activations.end()) << name;
  for (const char* name : {"conv2d", "linear", "dropout", "identity"})
    EXPECT_EQ(std::find(activations.begin(), activations.end(), name), activations.end()) << name;
}

TEST(LayerType, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(error_of([] { find_layer_type("conv3d"); }),
            "unknown layer type \"conv3d\" (known: " + util::join(layer_type_names()) + ")");
}

TEST(LayerType, OptionsSayKindDefaultAllowedAndRequired) {
  const std::vector<util::OptionInfo> conv = find_layer_type("conv2d").options();
  ASSERT_EQ(conv.size(), 8u);  // and weight_init, bias_init
  EXPECT_EQ(conv[0].name, "out_channels");
  EXPECT_TRUE(conv[0].required);
  EXPECT_EQ(conv[0].allows, "an integer out_channels >= 1");
  EXPECT_EQ(conv[1].kind, util::OptionKind::Size2);
  EXPECT_EQ(conv[1].allows, "kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(conv[2].default_value, "1");
  EXPECT_FALSE(conv[2].required);
  EXPECT_EQ(conv[5].default_value, "true");
  EXPECT_EQ(find_layer_type("max_pool2d").options()[1].default_value, "kernel_size");
  EXPECT_EQ(find_layer_type("dropout").options()[0].allows, "p in [0, 1]");
  EXPECT_EQ(find_layer_type("softplus").options()[0].allows, "beta > 0");
  EXPECT_EQ(find_layer_type("batch_norm1d").options()[0].default_value, "1e-05");
  EXPECT_TRUE(find_layer_type("relu").options().empty());
}

TEST(LayerType, ChecksNameTheOptionAndWhatItAllows) {
  const LayerType& conv = find_layer_type("conv2d");
  EXPECT_EQ(error_of([&] {
              conv.check({{"out_channels", "2"}, {"kernel_size", "0"}});
            }),
            "Conv2d: kernel_size = 0: expected kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(error_of([&] {
              conv.check({{"out_channels", "2"}, {"kernel_size", "3,1,1"}});
            }),
            "Conv2d: kernel_size = 3,1,1: expected kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(error_of([&] {
              conv.check({{"kernel_size", "3"}});
            }),
            "Conv2d: missing required option out_channels (an integer out_channels >= 1)");
  EXPECT_EQ(error_of([&] {
              conv.check({{"out_channels", "2"}, {"kernel_size", "3"}, {"in_channels", "1"}});
            }),
            "Conv2d: unknown option in_channels (Conv2d takes out_channels, kernel_size, stride, padding, dilation, "
            "bias, weight_init, bias_init)");
  EXPECT_EQ(error_of([] {
              find_layer_type("dropout").check({{"p", "1.5"}});
            }),
            "Dropout: p = 1.5: expected p in [0, 1]");
  try {
    find_layer_type("dropout").check({{"p", "-1"}});
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "p");
    EXPECT_EQ(e.expected(), "p in [0, 1]");
  }
  EXPECT_NO_THROW(conv.check({{"out_channels", "2"}, {"kernel_size", "3,1"}, {"padding", "1,0"}}));
}

TEST(LayerType, ShapeErrorsNameTheKey) {
  const LayerType& pool = find_layer_type("max_pool2d");
  try {
    pool.output_shape({{"kernel_size", "2"}, {"padding", "2"}}, {1, 8, 8});
    ADD_FAILURE();
  } catch (const LayerInputError& e) {
    EXPECT_EQ(e.key(), "padding");
    EXPECT_EQ(e.expected(), "at most half of kernel_size = 2");
  }
  try {
    find_layer_type("linear").output_shape({{"out_features", "3"}}, {2, 4});
    ADD_FAILURE();
  } catch (const LayerInputError& e) {
    EXPECT_EQ(e.key(), "");
    EXPECT_EQ(e.expected(), "one dimension (add a flatten layer before it)");
  }
}

// Options that make each type work on an input of `shape`.
struct Case {
  std::string type;
  NameValuePairs options;
  ExampleShape shape;
};

TEST(LayerType, EveryEntryMakesAModuleOfItsOutputShape) {
  const std::vector<Case> cases = {
      {"conv2d", {{"out_channels", "3"}, {"kernel_size", "3,1"}, {"padding", "1,0"}}, {2, 5, 6}},
      {"max_pool2d", {{"kernel_size", "2"}}, {2, 5, 6}},
      {"avg_pool2d", {{"kernel_size", "3"}, {"stride", "1"}, {"padding", "1"}}, {2, 5, 6}},
      {"linear", {{"out_features", "4"}}, {7}},
      {"flatten", {}, {2, 3, 4}},
      {"batch_norm1d", {}, {3, 5}},
      {"batch_norm2d", {{"momentum", "0.5"}}, {3, 2, 2}},
      {"layer_norm", {}, {3, 4}},
      {"softmax", {{"dim", "1"}}, {5}},
  };
  Generator gen(3);
  std::vector<std::string> covered;
  for (const Case& c : cases) {
    const LayerType& type = find_layer_type(c.type);
    const ExampleShape out = type.output_shape(c.options, c.shape);
    const auto module = type.make(c.options, c.shape, Dtype::Float64, gen);
    Shape batch{2};
    for (std::int64_t d : c.shape) batch.push_back(d);
    Shape expected{2};
    for (std::int64_t d : out) expected.push_back(d);
    EXPECT_EQ(module->forward(uniform(batch, -1.0, 1.0, Dtype::Float64, &gen)).shape(), expected) << c.type;
    covered.push_back(c.type);
  }
  // The rest keep the shape, with their options at the defaults.
  for (const LayerType* type : layer_types()) {
    if (std::find(covered.begin(), covered.end(), type->name) != covered.end()) continue;
    const ExampleShape in = {3, 4};
    EXPECT_EQ(type->output_shape({}, in), in) << type->name;
    const auto module = type->make({}, in, Dtype::Float64, gen);
    EXPECT_EQ(module->forward(uniform(Shape{2, 3, 4}, -1.0, 1.0, Dtype::Float64, &gen)).shape(), (Shape{2, 3, 4}))
        << type->name;
  }
}

TEST(LayerType, MakesTheModulesWithTheirOptions) {
  Generator gen(1);
  EXPECT_EQ(find_layer_type("conv2d")
                .make({{"out_channels", "4"}, {"kernel_size", "3"}, {"bias", "false"}}, {2, 8, 8}, Dtype::Float32, gen)
                ->describe(),
            "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), bias=False)");
  EXPECT_EQ(find_layer_type("leaky_relu").make({{"negative_slope", "0.2"}}, {3}, Dtype::Float32, gen)->describe(),
            "LeakyReLU(negative_slope=0.2)");
  EXPECT_EQ(find_layer_type("softmax").make({}, {3}, Dtype::Float32, gen)->describe(), "Softmax(dim=-1)");
  EXPECT_EQ(find_layer_type("max_pool2d").make({{"kernel_size", "2"}}, {1, 4, 4}, Dtype::Float32, gen)->describe(),
            "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
}

TEST(LayerReference, DocsAndHelpListEveryTypeActivationAndInit) {
  const std::string md = layers_markdown();
  const std::string help = layers_help();
  for (const std::string& name : layer_type_names()) {
    EXPECT_NE(md.find("\n### " + name + "\n"), std::string::npos) << name;
    EXPECT_NE(help.find("  " + name + " "), std::string::npos) << name;
  }
  for (const std::string& name : init_names()) EXPECT_NE(md.find("| `" + name + "` |"), std::string::npos) << name;
  EXPECT_NE(md.find("| `kernel_size` | an integer or [height, width] | required | kernel_size >= 1, an integer or "
                    "[height, width] |"),
            std::string::npos);
  EXPECT_NE(help.find("Activations (activation, output_activation; or none): " + util::join(activation_names())),
            std::string::npos);
}

TEST(InitType, RowsInOrderAndFoundByName) {
  EXPECT_EQ(init_names(), (std::vector<std::string>{"default", "nielsen", "xavier_uniform", "xavier_normal",
                                                    "kaiming_uniform", "kaiming_normal"}));
  EXPECT_EQ(error_of([] { find_init_type("he"); }),
            "unknown init \"he\" (known: default, nielsen, xavier_uniform, xavier_normal, kaiming_uniform, "
            "kaiming_normal)");
}

// Each row against torch.nn.init's formula: xavier_uniform after tanh stays within gain sqrt(6 / (in +
// out)), kaiming_normal zeroes the bias, nielsen draws the bias too, default leaves both as they were.
double max_abs(const Tensor& t) {
  double m = 0;
  for (double x : t.to_vector()) m = std::max(m, std::abs(x));
  return m;
}

TEST(InitType, RowsSetWeightAndBias) {
  Generator gen(5);
  const Tensor w = zeros(Shape{20, 30}, Dtype::Float64), b = zeros(Shape{20}, Dtype::Float64);
  find_init_type("default").apply({.weight = w, .bias = b, .activation = "tanh", .gen = gen}, {});
  EXPECT_EQ(max_abs(w), 0.0);
  find_init_type("xavier_uniform").apply({.weight = w, .bias = b, .activation = "tanh", .gen = gen}, {});
  EXPECT_LE(max_abs(w), 5.0 / 3.0 * std::sqrt(6.0 / 50.0));
  EXPECT_GT(max_abs(w), 0.9 * 5.0 / 3.0 * std::sqrt(6.0 / 50.0));
  find_init_type("nielsen").apply({.weight = w, .bias = b, .activation = "none", .gen = gen}, {});
  EXPECT_GT(max_abs(b), 0.0);
  find_init_type("kaiming_normal").apply({.weight = w, .bias = b, .activation = "relu", .gen = gen}, {});
  EXPECT_EQ(max_abs(b), 0.0);
  // after an activation calculate_gain does not know, the gain is 1
  EXPECT_NO_THROW(
      find_init_type("xavier_normal").apply({.weight = w, .bias = b, .activation = "gelu", .gen = gen}, {}));
}

}  // namespace
}  // namespace descent::nn
