// nn::Hardtanh and its config form: PyTorch's values and printed form, a float64 gradient check, the
// [[model.layer]] table with its options and messages, and its place in the registry, the "expected
// one of" message, the docs and the help.
#include "descent/nn/hardtanh.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/nn/layer_reference.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/train/config.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::nn {
namespace {

std::string config_error(const std::string& text) {
  try {
    train::parse_config_string(text, "h.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// [4] inputs, the hardtanh layer(s), then a linear layer to the 10 classes.
std::string model(const std::string& hardtanh) {
  return "[model]\ninput_shape = [4]\n[[model.layer]]\ntype = \"hardtanh\"\n" + hardtanh +
         "[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
}

TEST(Hardtanh, ClampsToItsBounds) {
  const Tensor x = tensor({-3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 2.5}, Dtype::Float64);
  EXPECT_EQ(Hardtanh().forward(x).to_vector(), (std::vector<double>{-1, -1, -0.5, 0, 0.25, 1, 1}));
  EXPECT_EQ(Hardtanh(-2.0, 0.5).forward(x).to_vector(), (std::vector<double>{-2, -1, -0.5, 0, 0.25, 0.5, 0.5}));
  EXPECT_EQ(Hardtanh().describe(), "Hardtanh(min_val=-1.0, max_val=1.0)");
  EXPECT_EQ(Hardtanh(-2, 0.5).describe(), "Hardtanh(min_val=-2.0, max_val=0.5)");
  EXPECT_THROW(Hardtanh(1.0, 1.0), ValueError);
}

// Inputs in [-3, 3] kept 0.1 away from the bounds -1.5 and 2, where the derivative jumps.
TEST(Hardtanh, GradientMatchesCentralDifferences) {
  Generator gen(7);
  Tensor x = uniform(Shape{4, 5}, -3.0, 3.0, Dtype::Float64, &gen);
  double* p = x.data<double>();
  for (std::int64_t i = 0; i < x.numel(); ++i)
    for (double bound : {-1.5, 2.0})
      if (std::abs(p[i] - bound) < 0.1) p[i] = bound + (p[i] < bound ? -0.1 : 0.1);
  Hardtanh h(-1.5, 2.0);
  const GradcheckResult r = gradcheck([&](const std::vector<Tensor>& in) { return h.forward(in[0]); }, {x});
  EXPECT_TRUE(r.passed) << r.report();
}

TEST(Hardtanh, ConfigFormTakesMinValAndMaxVal) {
  const train::TrainConfig c = train::parse_config_string(model("min_val = -2\n"), "h.toml");
  ASSERT_EQ(c.model.layer.size(), 2u);
  EXPECT_EQ(c.model.layer[0].type, "hardtanh");
  EXPECT_EQ(c.model.layer[0].option("min_val"), "-2");
  EXPECT_EQ(c.model.layer[0].out_shape, (std::vector<std::int64_t>{4}));
  Generator gen(1);
  const auto net = train::build_model(c, gen);
  EXPECT_EQ((*net)[0]->describe(), "Hardtanh(min_val=-2.0, max_val=1.0)");
  EXPECT_EQ((*net)[0]->forward(tensor({-3.0, 0.5, 4.0})).to_vector(), (std::vector<double>{-2, 0.5, 1}));
  // the MLP form's activation
  const train::TrainConfig mlp =
      train::parse_config_string("[model]\nlayers = [4, 10]\noutput_activation = \"hardtanh\"\n", "h.toml");
  EXPECT_EQ((*train::build_model(mlp, gen))[1]->describe(), "Hardtanh(min_val=-1.0, max_val=1.0)");
}

TEST(Hardtanh, BadValuesNameTheKey) {
  EXPECT_EQ(config_error(model("min_val = 1\nmax_val = 0\n")),
            "h.toml: model.layer[0].max_val = 0: expected max_val > min_val = 1");
  EXPECT_EQ(config_error(model("max_val = \"big\"\n")), "h.toml: model.layer[0].max_val = \"big\": expected a number");
  EXPECT_EQ(config_error(model("min_value = 0\n")),
            "h.toml: unknown key model.layer[0].min_value (known keys in [model.layer[0]] for type = \"hardtanh\": "
            "type, min_val, max_val)");
}

TEST(Hardtanh, IsInTheRegistryTheMessagesTheDocsAndTheHelp) {
  const std::vector<std::string> names = layer_type_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "hardtanh"), names.end());
  const std::vector<std::string> activations = activation_names();
  EXPECT_NE(std::find(activations.begin(), activations.end(), "hardtanh"), activations.end());
  EXPECT_NE(config_error("[model]\n[[model.layer]]\ntype = \"hardtan\"\n").find("expected one of "), std::string::npos);
  EXPECT_NE(config_error("[model]\n[[model.layer]]\ntype = \"hardtan\"\n").find(", hardtanh, "), std::string::npos);
  EXPECT_NE(config_error("[model]\nlayers = [4, 10]\nactivation = \"hardtan\"\n").find(" hardtanh, "),
            std::string::npos);
  EXPECT_NE(layers_markdown().find("\n### hardtanh\n"), std::string::npos);
  EXPECT_NE(layers_markdown().find("| `min_val` | a number | `-1` | any |"), std::string::npos);
  EXPECT_NE(layers_help().find("  hardtanh"), std::string::npos);
}

}  // namespace
}  // namespace descent::nn
