// parse_config: the Nielsen example parses into the expected values, and each kind of bad input gives a
// ConfigError whose message names the file, the key, the value and what was expected.
#include "descent/train/config.hpp"

#include <gtest/gtest.h>

#include <string>

#include "descent/error.hpp"

namespace descent::train {
namespace {

// The message parse_config_string throws for `text` (read as "cfg.toml"); fails the test if it parses.
std::string error_for(const std::string& text) {
  try {
    parse_config_string(text, "cfg.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << text;
  return {};
}

// A valid minimal config plus `extra` lines (each must start with its section header).
std::string with(const std::string& extra) { return "[model]\nlayers = [784, 30, 10]\n" + extra; }

TEST(ParseConfig, NielsenExampleFile) {
  const TrainConfig c = parse_config(DESCENT_SOURCE_DIR "/examples/nielsen/config.toml");
  EXPECT_EQ(c.path, DESCENT_SOURCE_DIR "/examples/nielsen/config.toml");
  EXPECT_EQ(c.model.layers, (std::vector<std::int64_t>{784, 30, 10}));
  EXPECT_EQ(c.model.activation, "sigmoid");
  EXPECT_EQ(c.model.output_activation, "sigmoid");
  EXPECT_EQ(c.model.init, "nielsen");
  EXPECT_EQ(c.loss.name, "quadratic");
  EXPECT_EQ(c.loss.reduction, "mean");
  EXPECT_EQ(c.optim.name, "sgd");
  EXPECT_DOUBLE_EQ(c.optim.lr, 3.0);
  EXPECT_DOUBLE_EQ(c.optim.momentum, 0.0);
  EXPECT_DOUBLE_EQ(c.optim.dampening, 0.0);
  EXPECT_DOUBLE_EQ(c.optim.weight_decay, 0.0);
  EXPECT_FALSE(c.optim.nesterov);
  EXPECT_FALSE(c.optim.maximize);
  EXPECT_EQ(c.data.classes, 10);
  EXPECT_EQ(c.data.train_limit, 50000);
  EXPECT_EQ(c.data.test_limit, 0);
  EXPECT_EQ(c.epochs, 30);
  EXPECT_EQ(c.batch_size, 10);
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.dtype, Dtype::Float32);
}

TEST(ParseConfig, NielsenConfigString) {
  const TrainConfig c = parse_config_string(R"(
[model]
layers = [784, 30, 10]
activation = "sigmoid"
output_activation = "sigmoid"
init = "nielsen"
[loss]
name = "quadratic"
reduction = "mean"
[optim]
name = "sgd"
lr = 3
momentum = 0.0
dampening = 0.0
weight_decay = 0.0
nesterov = false
maximize = false
[data]
classes = 10
train_limit = 50000
test_limit = 0
[train]
epochs = 30
batch_size = 10
seed = 1
dtype = "float64"
)",
                                            "nielsen.toml");
  EXPECT_EQ(c.path, "nielsen.toml");
  EXPECT_EQ(c.model.layers, (std::vector<std::int64_t>{784, 30, 10}));
  EXPECT_EQ(c.model.init, "nielsen");
  EXPECT_EQ(c.loss.name, "quadratic");
  EXPECT_DOUBLE_EQ(c.optim.lr, 3.0);  // an integer where a float is expected
  EXPECT_EQ(c.data.train_limit, 50000);
  EXPECT_EQ(c.epochs, 30);
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.dtype, Dtype::Float64);
}

TEST(ParseConfig, DefaultsForEverythingButLayers) {
  const TrainConfig c = parse_config_string(with(""), "cfg.toml");
  const TrainConfig d;
  EXPECT_EQ(c.model.activation, d.model.activation);
  EXPECT_EQ(c.model.output_activation, d.model.output_activation);
  EXPECT_EQ(c.model.init, d.model.init);
  EXPECT_EQ(c.loss.name, d.loss.name);
  EXPECT_EQ(c.optim.name, d.optim.name);
  EXPECT_DOUBLE_EQ(c.optim.lr, d.optim.lr);
  EXPECT_EQ(c.data.classes, d.data.classes);
  EXPECT_EQ(c.epochs, d.epochs);
  EXPECT_EQ(c.batch_size, d.batch_size);
  EXPECT_EQ(c.seed, d.seed);
  EXPECT_EQ(c.dtype, d.dtype);
}

TEST(ParseConfig, SgdWithNesterovMomentum) {
  const TrainConfig c =
      parse_config_string(with("[optim]\nmomentum = 0.9\nnesterov = true\nweight_decay = 1e-4\n"), "cfg.toml");
  EXPECT_TRUE(c.optim.nesterov);
  EXPECT_DOUBLE_EQ(c.optim.momentum, 0.9);
  EXPECT_DOUBLE_EQ(c.optim.weight_decay, 1e-4);
}

TEST(ParseConfigError, MissingFile) {
  try {
    parse_config("missing.toml");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "missing.toml: cannot open config file");
  }
}

TEST(ParseConfigError, SyntaxErrorWithLineAndColumn) {
  const std::string m = error_for("[model]\nlayers = [784, 30, 10]\nactivation = sigmoid\n");
  EXPECT_NE(m.find("cfg.toml:3:"), std::string::npos) << m;
  EXPECT_NE(m.find(": TOML syntax error: "), std::string::npos) << m;
}

TEST(ParseConfigError, UnknownKey) {
  EXPECT_EQ(error_for(with("[train]\nepoch = 3\n")),
            "cfg.toml: unknown key train.epoch (known keys in [train]: epochs, batch_size, seed, dtype)");
}

TEST(ParseConfigError, UnknownOptimKeyForSgd) {
  EXPECT_NE(error_for(with("[optim]\nbeta1 = 0.9\n"))
                .find("cfg.toml: unknown key optim.beta1 (known keys in [optim] for sgd: name, lr,"),
            std::string::npos);
}

TEST(ParseConfigError, UnknownSection) {
  EXPECT_EQ(error_for(with("[optimizer]\nlr = 0.1\n")),
            "cfg.toml: unknown section [optimizer] (known sections: model, loss, optim, data, train, diagnostics)");
}

TEST(ParseConfigError, KeyOutsideAnySection) {
  EXPECT_NE(error_for("epochs = 3\n" + with("")).find("cfg.toml: unknown key epochs outside any section"),
            std::string::npos);
}

TEST(ParseConfigError, SectionThatIsNotATable) {
  EXPECT_EQ(error_for("model = 3\n"), "cfg.toml: model = 3: expected a section [model]");
}

TEST(ParseConfigError, LrIsAString) {
  EXPECT_EQ(error_for(with("[optim]\nlr = \"fast\"\n")), "cfg.toml: optim.lr = \"fast\": expected a number");
}

TEST(ParseConfigError, EpochsIsAFloat) {
  EXPECT_EQ(error_for(with("[train]\nepochs = 2.5\n")), "cfg.toml: train.epochs = 2.5: expected an integer");
}

TEST(ParseConfigError, LayersIsAString) {
  EXPECT_EQ(error_for("[model]\nlayers = \"784\"\n"),
            "cfg.toml: model.layers = \"784\": expected an array of at least 2 positive integers, e.g. [784, 30, 10]");
}

TEST(ParseConfigError, LayersTooShortOrNotPositive) {
  EXPECT_NE(error_for("[model]\nlayers = [10]\n").find("model.layers = [10]: expected an array of at least 2"),
            std::string::npos);
  EXPECT_NE(error_for("[model]\nlayers = [784, 0, 10]\n").find("model.layers = [784, 0, 10]: expected"),
            std::string::npos);
  EXPECT_NE(error_for("[model]\nlayers = [784, 30.5, 10]\n").find("model.layers = [784, 30.5, 10]: expected"),
            std::string::npos);
}

TEST(ParseConfigError, MissingLayers) {
  EXPECT_NE(error_for("[model]\nactivation = \"relu\"\n").find("cfg.toml: missing required key model.layers"),
            std::string::npos);
  EXPECT_NE(error_for("").find("cfg.toml: missing required key model.layers"), std::string::npos);
}

TEST(ParseConfigError, NegativeLr) {
  EXPECT_EQ(error_for(with("[optim]\nlr = -0.1\n")), "cfg.toml: optim.lr = -0.1: expected lr >= 0");
}

TEST(ParseConfigError, NonFiniteLr) {
  EXPECT_EQ(error_for(with("[optim]\nlr = inf\n")), "cfg.toml: optim.lr = inf: expected a finite number");
}

TEST(ParseConfigError, NegativeMomentum) {
  EXPECT_EQ(error_for(with("[optim]\nmomentum = -0.5\n")), "cfg.toml: optim.momentum = -0.5: expected momentum >= 0");
}

TEST(ParseConfigError, DampeningAboveOne) {
  EXPECT_EQ(error_for(with("[optim]\ndampening = 1.5\n")),
            "cfg.toml: optim.dampening = 1.5: expected dampening in [0, 1]");
}

TEST(ParseConfigError, NegativeWeightDecay) {
  EXPECT_EQ(error_for(with("[optim]\nweight_decay = -1\n")),
            "cfg.toml: optim.weight_decay = -1: expected weight_decay >= 0");
}

TEST(ParseConfigError, NesterovWithoutMomentum) {
  EXPECT_NE(
      error_for(with("[optim]\nnesterov = true\n"))
          .find("cfg.toml: optim.nesterov = true: expected nesterov = true only with momentum > 0 and dampening = 0"),
      std::string::npos);
  EXPECT_NE(
      error_for(with("[optim]\nnesterov = true\nmomentum = 0.9\ndampening = 0.1\n")).find("optim.nesterov = true"),
      std::string::npos);
}

TEST(ParseConfigError, NesterovNotABool) {
  EXPECT_EQ(error_for(with("[optim]\nnesterov = 1\n")), "cfg.toml: optim.nesterov = 1: expected true or false");
}

TEST(ParseConfigError, ZeroBatchSize) {
  EXPECT_EQ(error_for(with("[train]\nbatch_size = 0\n")), "cfg.toml: train.batch_size = 0: expected batch_size >= 1");
}

TEST(ParseConfigError, NegativeBatchSize) {
  EXPECT_EQ(error_for(with("[train]\nbatch_size = -4\n")), "cfg.toml: train.batch_size = -4: expected batch_size >= 1");
}

TEST(ParseConfigError, ZeroEpochs) {
  EXPECT_EQ(error_for(with("[train]\nepochs = 0\n")), "cfg.toml: train.epochs = 0: expected epochs >= 1");
}

TEST(ParseConfigError, NegativeSeed) {
  EXPECT_EQ(error_for(with("[train]\nseed = -1\n")), "cfg.toml: train.seed = -1: expected seed >= 0");
}

TEST(ParseConfigError, UnknownActivation) {
  EXPECT_EQ(error_for(with("activation = \"swish\"\n")),
            "cfg.toml: model.activation = \"swish\": expected one of sigmoid, tanh, relu");
}

TEST(ParseConfigError, UnknownOutputActivation) {
  EXPECT_EQ(error_for(with("output_activation = \"gelu\"\n")),
            "cfg.toml: model.output_activation = \"gelu\": expected one of none, sigmoid, tanh, relu, softmax");
}

TEST(ParseConfigError, UnknownInit) {
  EXPECT_NE(error_for(with("init = \"he\"\n")).find("cfg.toml: model.init = \"he\": expected one of default, nielsen,"),
            std::string::npos);
}

TEST(ParseConfigError, UnknownLoss) {
  EXPECT_EQ(error_for(with("[loss]\nname = \"hinge\"\n")),
            "cfg.toml: loss.name = \"hinge\": expected one of cross_entropy, mse, quadratic");
}

TEST(ParseConfigError, UnknownReduction) {
  EXPECT_EQ(error_for(with("[loss]\nreduction = \"none\"\n")),
            "cfg.toml: loss.reduction = \"none\": expected one of mean, sum");
}

TEST(ParseConfigError, UnknownOptimizer) {
  EXPECT_EQ(error_for(with("[optim]\nname = \"adam\"\n")), "cfg.toml: optim.name = \"adam\": expected one of sgd");
}

TEST(ParseConfigError, BadDtype) {
  EXPECT_EQ(error_for(with("[train]\ndtype = \"float16\"\n")),
            "cfg.toml: train.dtype = \"float16\": expected one of float32, float64");
  EXPECT_EQ(error_for(with("[train]\ndtype = \"int64\"\n")),
            "cfg.toml: train.dtype = \"int64\": expected one of float32, float64");
}

TEST(ParseConfigError, ClassesBelowTwo) {
  EXPECT_EQ(error_for("[model]\nlayers = [784, 1]\n[data]\nclasses = 1\n"),
            "cfg.toml: data.classes = 1: expected classes >= 2");
}

TEST(ParseConfigError, NegativeTrainLimit) {
  EXPECT_NE(
      error_for(with("[data]\ntrain_limit = -5\n")).find("cfg.toml: data.train_limit = -5: expected train_limit >= 0"),
      std::string::npos);
}

TEST(ParseConfigError, LastLayerIsNotClasses) {
  EXPECT_EQ(error_for("[model]\nlayers = [784, 30, 5]\n[data]\nclasses = 10\n"),
            "cfg.toml: model.layers = [784, 30, 5]: expected the last size (5) to equal data.classes = 10");
  EXPECT_EQ(
      error_for("[model]\nlayers = [784, 30, 5]\n"),
      "cfg.toml: model.layers = [784, 30, 5]: expected the last size (5) to equal data.classes = 10 (the default)");
}

}  // namespace
}  // namespace descent::train
