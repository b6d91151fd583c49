// weight_init and bias_init in [model] (the MLP form: every Linear layer, the output layer included;
// the layer form: the default of each linear and conv2d layer) and in [[model.layer]] tables, and
// [model] activation = "none": what they parse into, what the built model holds, and for each kind of
// bad value a ConfigError naming the file, the key and the value.
#include "descent/train/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "config_error.hpp"
#include "descent/error.hpp"
#include "descent/nn/linear.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {
namespace {

// An MLP [4, 3, 2] with `extra` lines in [model].
std::string mlp(const std::string& extra) { return "[model]\nlayers = [4, 3, 2]\n" + extra + "[data]\nclasses = 2\n"; }

// A layer form: a conv2d (its own `conv` keys), a flatten, a linear to 2 classes (its own `linear` keys);
// `extra` lines in [model].
std::string layered(const std::string& extra, const std::string& conv = "", const std::string& linear = "") {
  return "[model]\ninput_shape = [2, 4, 4]\n" + extra + "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 3\n" +
         "kernel_size = 3\n" + conv + "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\n" +
         "out_features = 2\n" + linear + "[data]\nclasses = 2\n";
}

std::shared_ptr<nn::Sequential> build(const std::string& text) {
  Generator gen(1);
  return build_model(parse_config_string(text, "cfg.toml"), gen);
}

// Every value of the named parameter equals `value`.
void expect_all(const nn::Module& model, const std::string& name, double value) {
  const Tensor t = model.state_dict().at(name);
  for (double x : t.to_vector()) EXPECT_EQ(x, value) << name;
}

bool all_equal(const Tensor& t) {
  const std::vector<double> v = t.to_vector();
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

constexpr const char* kWeightForms =
    "default, zeros, ones, constant(VAL), normal(MEAN, STD), uniform(A, B), xavier_uniform, xavier_normal, "
    "kaiming_uniform, kaiming_normal";
constexpr const char* kBiasForms = "default, zeros, ones, constant(VAL), normal(MEAN, STD), uniform(A, B)";

TEST(ConfigInits, DefaultsAndParsedText) {
  const TrainConfig d = parse_config_string(mlp(""), "cfg.toml");
  EXPECT_EQ(d.model.weight_init, "default");
  EXPECT_EQ(d.model.bias_init, "default");
  const TrainConfig c =
      parse_config_string(mlp("weight_init = \"normal(0, 0.01)\"\nbias_init = \"constant(0.1)\"\n"), "cfg.toml");
  EXPECT_EQ(c.model.weight_init, "normal(0, 0.01)");
  EXPECT_EQ(c.model.bias_init, "constant(0.1)");
  const TrainConfig l =
      parse_config_string(layered("weight_init = \"xavier_uniform\"\n", "bias_init = \"ones\"\n"), "cfg.toml");
  EXPECT_EQ(l.model.weight_init, "xavier_uniform");
  EXPECT_EQ(l.model.layer[0].option("bias_init"), "ones");
  EXPECT_EQ(l.model.layer[2].option("weight_init"), "");  // [model]'s applies when the model is built
}

// The MLP form: every Linear layer, the output layer included.
TEST(ConfigInits, MlpKeysSetEveryLinearLayer) {
  const auto model = build(mlp("weight_init = \"constant(0.25)\"\nbias_init = \"zeros\"\n"));
  for (const char* name : {"0.weight", "2.weight"}) expect_all(*model, name, 0.25);
  for (const char* name : {"0.bias", "2.bias"}) expect_all(*model, name, 0.0);
}

// weight_init overrides init for the weights; init keeps setting the bias (nielsen: N(0, 1)).
TEST(ConfigInits, InitKeepsTheBiasUnlessBiasInitIsGiven) {
  const auto model = build(mlp("init = \"nielsen\"\nweight_init = \"ones\"\n"));
  expect_all(*model, "0.weight", 1.0);
  expect_all(*model, "2.weight", 1.0);
  EXPECT_FALSE(all_equal(model->state_dict().at("0.bias")));
  // "default" keeps init's draw: the same model as without the keys
  const auto plain = build(mlp("init = \"nielsen\"\n"));
  const auto keyed = build(mlp("init = \"nielsen\"\nweight_init = \"default\"\nbias_init = \"default\"\n"));
  for (const auto& [name, t] : plain->state_dict())
    EXPECT_EQ(t.to_vector(), keyed->state_dict().at(name).to_vector()) << name;
}

// The layer form: [model]'s keys are the default of each linear and conv2d layer; a layer's own key wins;
// a layer without bias takes no bias_init.
TEST(ConfigInits, LayerFormDefaultsAndOverrides) {
  const auto model =
      build(layered("weight_init = \"constant(0.5)\"\nbias_init = \"ones\"\n", "", "weight_init = \"zeros\"\n"));
  expect_all(*model, "0.weight", 0.5);
  expect_all(*model, "0.bias", 1.0);
  expect_all(*model, "2.weight", 0.0);
  expect_all(*model, "2.bias", 1.0);
  const auto no_bias = build(layered("bias_init = \"ones\"\n", "bias = false\n"));
  EXPECT_EQ(no_bias->state_dict().count("0.bias"), 0u);
  expect_all(*no_bias, "2.bias", 1.0);
}

TEST(ConfigInits, ActivationNoneIsALinearModel) {
  const TrainConfig c = parse_config_string(mlp("activation = \"none\"\n"), "cfg.toml");
  EXPECT_EQ(c.model.activation, "none");
  const auto model = build(mlp("activation = \"none\"\n"));
  ASSERT_EQ(model->size(), 2u);  // Linear, Linear: no activation module between or after
  for (const auto& [name, child] : model->named_children())
    EXPECT_NE(std::dynamic_pointer_cast<nn::Linear>(child), nullptr) << name;
  const auto with_output = build(mlp("activation = \"none\"\noutput_activation = \"softmax\"\n"));
  EXPECT_EQ(with_output->size(), 3u);
}

// ---- each kind of bad value: file, key, value and what is allowed ----

TEST(ConfigInitsError, UnknownName) {
  EXPECT_EQ(config_error(mlp("weight_init = \"he\"\n")),
            std::string("cfg.toml: model.weight_init = \"he\": expected one of ") + kWeightForms);
  EXPECT_EQ(config_error(mlp("bias_init = \"Zeros\"\n")),
            std::string("cfg.toml: model.bias_init = \"Zeros\": expected one of ") + kBiasForms);
  EXPECT_EQ(config_error(layered("", "", "weight_init = \"glorot\"\n")),
            std::string("cfg.toml: model.layer[2].weight_init = \"glorot\": expected one of ") + kWeightForms);
}

TEST(ConfigInitsError, NotAString) {
  EXPECT_EQ(config_error(mlp("weight_init = 0.1\n")),
            std::string("cfg.toml: model.weight_init = 0.1: expected one of ") + kWeightForms);
  EXPECT_EQ(config_error(layered("bias_init = [0, 1]\n")),
            std::string("cfg.toml: model.bias_init = [0, 1]: expected one of ") + kBiasForms);
  EXPECT_EQ(config_error(layered("", "weight_init = true\n")),
            std::string("cfg.toml: model.layer[0].weight_init = true: expected one of ") + kWeightForms);
}

TEST(ConfigInitsError, WrongCountOfNumbers) {
  const std::string inits = std::string(" (the inits: ") + kWeightForms + ")";
  EXPECT_EQ(config_error(mlp("weight_init = \"normal(0)\"\n")),
            "cfg.toml: model.weight_init = \"normal(0)\": expected normal(MEAN, STD) with 2 numbers" + inits);
  EXPECT_EQ(config_error(layered("", "weight_init = \"zeros(0)\"\n")),
            "cfg.toml: model.layer[0].weight_init = \"zeros(0)\": expected zeros without numbers" + inits);
  EXPECT_EQ(config_error(layered("weight_init = \"uniform\"\n")),
            "cfg.toml: model.weight_init = \"uniform\": expected uniform(A, B) with 2 numbers" + inits);
  EXPECT_EQ(config_error(mlp("bias_init = \"constant(1, 2)\"\n")),
            std::string("cfg.toml: model.bias_init = \"constant(1, 2)\": expected constant(VAL) with 1 number (the "
                        "inits: ") +
                kBiasForms + ")");
}

TEST(ConfigInitsError, NotNumbers) {
  const std::string inits = std::string(" (the inits: ") + kWeightForms + ")";
  EXPECT_EQ(config_error(mlp("weight_init = \"normal(0, small)\"\n")),
            "cfg.toml: model.weight_init = \"normal(0, small)\": expected normal(MEAN, STD) with 2 numbers" + inits);
  EXPECT_EQ(config_error(layered("", "", "weight_init = \"constant(nan)\"\n")),
            "cfg.toml: model.layer[2].weight_init = \"constant(nan)\": expected constant(VAL) with 1 number" + inits);
}

TEST(ConfigInitsError, ValuesOutOfRange) {
  EXPECT_EQ(config_error(mlp("weight_init = \"normal(0, -1)\"\n")),
            "cfg.toml: model.weight_init = \"normal(0, -1)\": expected std >= 0 in normal(MEAN, STD)");
  EXPECT_EQ(config_error(layered("", "bias_init = \"uniform(2, 1)\"\n")),
            "cfg.toml: model.layer[0].bias_init = \"uniform(2, 1)\": expected a <= b in uniform(A, B)");
  EXPECT_EQ(config_error(layered("bias_init = \"normal(1, -0.5)\"\n")),
            "cfg.toml: model.bias_init = \"normal(1, -0.5)\": expected std >= 0 in normal(MEAN, STD)");
}

// As torch.nn.init raises for a bias: "Fan in and fan out can not be computed for tensor with fewer than
// 2 dimensions".
TEST(ConfigInitsError, XavierOrKaimingForABias) {
  const std::string why = " needs fan_in and fan_out, which a tensor of fewer than 2 dimensions has not: a bias has 1)";
  EXPECT_EQ(config_error(mlp("bias_init = \"kaiming_uniform\"\n")),
            std::string("cfg.toml: model.bias_init = \"kaiming_uniform\": expected one of ") + kBiasForms +
                " (kaiming_uniform" + why);
  EXPECT_EQ(config_error(layered("", "", "bias_init = \"xavier_normal\"\n")),
            std::string("cfg.toml: model.layer[2].bias_init = \"xavier_normal\": expected one of ") + kBiasForms +
                " (xavier_normal" + why);
}

TEST(ConfigInitsError, BiasInitWithoutBias) {
  EXPECT_EQ(config_error(mlp("bias = false\nbias_init = \"zeros\"\n")),
            "cfg.toml: model.bias_init = \"zeros\": expected default with model.bias = false (the layers have no "
            "bias)");
  EXPECT_EQ(config_error(layered("", "bias = false\nbias_init = \"zeros\"\n")),
            "cfg.toml: model.layer[0].bias_init = \"zeros\": expected default with bias = false (the layer has no "
            "bias)");
  EXPECT_NO_THROW(parse_config_string(mlp("bias = false\nbias_init = \"default\"\n"), "cfg.toml"));
}

TEST(ConfigInitsError, KeysOfOtherLayersAndUnknownActivation) {
  EXPECT_NE(config_error(layered("").insert(std::string("[model]\ninput_shape = [2, 4, 4]\n").size(),
                                            "[[model.layer]]\ntype = \"relu\"\nweight_init = \"zeros\"\n"))
                .find("cfg.toml: unknown key model.layer[0].weight_init (known keys in [model.layer[0]] for type = "
                      "\"relu\": type)"),
            std::string::npos);
  EXPECT_NE(config_error(mlp("activation = \"linear\"\n"))
                .find("cfg.toml: model.activation = \"linear\": expected one of "
                      "none, "),
            std::string::npos);
}

}  // namespace
}  // namespace descent::train
