// parse_config: the Nielsen example parses into the expected values, and each kind of bad input gives a
// ConfigError whose message names the file, the key, the value and what was expected.
#include "descent/train/config.hpp"

#include <gtest/gtest.h>

#include <string>

#include "config_error.hpp"
#include "descent/error.hpp"
#include "descent/nn/layer_type.hpp"

namespace descent::train {
namespace {

// A valid minimal config plus `extra` lines (each must start with its section header).
std::string with(const std::string& extra) { return "[model]\nlayers = [784, 30, 10]\n" + extra; }

// The text of one option of a spec, or "(unset)".
template <class Spec>
std::string option(const Spec& spec, const std::string& key) {
  for (const auto& [k, v] : spec.options)
    if (k == key) return v;
  return "(unset)";
}

TEST(ParseConfig, NielsenExampleFile) {
  const TrainConfig c = parse_config(DESCENT_SOURCE_DIR "/examples/nielsen/config.toml");
  EXPECT_EQ(c.path, DESCENT_SOURCE_DIR "/examples/nielsen/config.toml");
  EXPECT_EQ(c.model.layers, (std::vector<std::int64_t>{784, 30, 10}));
  EXPECT_EQ(c.model.activation, "sigmoid");
  EXPECT_EQ(c.model.output_activation, "sigmoid");
  EXPECT_EQ(c.model.init, "nielsen");
  EXPECT_EQ(c.loss.name, "quadratic");
  EXPECT_EQ(c.loss.option("reduction"), "mean");
  EXPECT_EQ(c.optim.name, "sgd");
  EXPECT_EQ(c.optim.options, (optim::NameValuePairs{{"lr", "3"},
                                                    {"momentum", "0"},
                                                    {"dampening", "0"},
                                                    {"weight_decay", "0"},
                                                    {"nesterov", "false"},
                                                    {"maximize", "false"}}));
  EXPECT_FALSE(c.scheduler.has_value());
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
  EXPECT_EQ(option(c.optim, "lr"), "3");  // an integer where a float is expected
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
  EXPECT_TRUE(c.optim.options.empty());  // the optimizer's own defaults
  EXPECT_FALSE(c.scheduler.has_value());
  EXPECT_EQ(c.clip_grad_norm, 0.0);
  EXPECT_EQ(c.clip_grad_value, 0.0);
  EXPECT_FALSE(c.flush_denormal);
  EXPECT_EQ(c.data.classes, d.data.classes);
  EXPECT_EQ(c.epochs, d.epochs);
  EXPECT_EQ(c.batch_size, d.batch_size);
  EXPECT_EQ(c.seed, d.seed);
  EXPECT_EQ(c.dtype, d.dtype);
}

TEST(ParseConfig, SgdWithNesterovMomentum) {
  const TrainConfig c =
      parse_config_string(with("[optim]\nmomentum = 0.9\nnesterov = true\nweight_decay = 1e-4\n"), "cfg.toml");
  EXPECT_EQ(option(c.optim, "nesterov"), "true");
  EXPECT_EQ(option(c.optim, "momentum"), "0.9");
  EXPECT_EQ(option(c.optim, "weight_decay"), "1e-04");  // the shortest text that reads back exactly
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
  const std::string m = config_error("[model]\nlayers = [784, 30, 10]\nactivation = sigmoid\n");
  EXPECT_NE(m.find("cfg.toml:3:"), std::string::npos) << m;
  EXPECT_NE(m.find(": TOML syntax error: "), std::string::npos) << m;
}

TEST(ParseConfigError, UnknownKey) {
  EXPECT_EQ(
      config_error(with("[train]\nepoch = 3\n")),
      "cfg.toml: unknown key train.epoch (known keys in [train]: epochs, batch_size, seed, dtype, clip_grad_norm, "
      "clip_grad_value, flush_denormal, capture, early_stopping)");
}

TEST(ParseConfigError, UnknownOptimKeyForSgd) {
  EXPECT_NE(config_error(with("[optim]\nbeta1 = 0.9\n"))
                .find("cfg.toml: unknown key optim.beta1 (known keys in [optim] for sgd: name, lr,"),
            std::string::npos);
}

TEST(ParseConfigError, UnknownSection) {
  EXPECT_EQ(config_error(with("[optimizer]\nlr = 0.1\n")),
            "cfg.toml: unknown section [optimizer] (known sections: model, loss, optim, scheduler, data, train, "
            "diagnostics)");
}

TEST(ParseConfigError, KeyOutsideAnySection) {
  EXPECT_NE(config_error("epochs = 3\n" + with("")).find("cfg.toml: unknown key epochs outside any section"),
            std::string::npos);
}

TEST(ParseConfigError, SectionThatIsNotATable) {
  EXPECT_EQ(config_error("model = 3\n"), "cfg.toml: model = 3: expected a section [model]");
}

TEST(ParseConfigError, LrIsAString) {
  EXPECT_EQ(config_error(with("[optim]\nlr = \"fast\"\n")), "cfg.toml: optim.lr = \"fast\": expected a number");
}

TEST(ParseConfigError, EpochsIsAFloat) {
  EXPECT_EQ(config_error(with("[train]\nepochs = 2.5\n")), "cfg.toml: train.epochs = 2.5: expected an integer");
}

TEST(ParseConfigError, LayersIsAString) {
  EXPECT_EQ(config_error("[model]\nlayers = \"784\"\n"),
            "cfg.toml: model.layers = \"784\": expected an array of at least 2 positive integers, e.g. [784, 30, 10]");
}

TEST(ParseConfigError, LayersTooShortOrNotPositive) {
  EXPECT_NE(config_error("[model]\nlayers = [10]\n").find("model.layers = [10]: expected an array of at least 2"),
            std::string::npos);
  EXPECT_NE(config_error("[model]\nlayers = [784, 0, 10]\n").find("model.layers = [784, 0, 10]: expected"),
            std::string::npos);
  EXPECT_NE(config_error("[model]\nlayers = [784, 30.5, 10]\n").find("model.layers = [784, 30.5, 10]: expected"),
            std::string::npos);
}

TEST(ParseConfigError, MissingLayers) {
  EXPECT_NE(config_error("[model]\nactivation = \"relu\"\n").find("cfg.toml: missing required key model.layers"),
            std::string::npos);
  EXPECT_NE(config_error("").find("cfg.toml: missing required key model.layers"), std::string::npos);
}

TEST(ParseConfigError, NegativeLr) {
  EXPECT_EQ(config_error(with("[optim]\nlr = -0.1\n")), "cfg.toml: optim.lr = -0.1: expected lr >= 0");
}

TEST(ParseConfigError, NonFiniteLr) {
  EXPECT_EQ(config_error(with("[optim]\nlr = inf\n")), "cfg.toml: optim.lr = inf: expected a finite number");
}

TEST(ParseConfigError, NegativeMomentum) {
  EXPECT_EQ(config_error(with("[optim]\nmomentum = -0.5\n")),
            "cfg.toml: optim.momentum = -0.5: expected momentum >= 0");
}

TEST(ParseConfigError, DampeningAboveOne) {
  EXPECT_EQ(config_error(with("[optim]\ndampening = 1.5\n")),
            "cfg.toml: optim.dampening = 1.5: expected 0 <= dampening <= 1");
}

TEST(ParseConfigError, NegativeWeightDecay) {
  EXPECT_EQ(config_error(with("[optim]\nweight_decay = -1\n")),
            "cfg.toml: optim.weight_decay = -1: expected weight_decay >= 0");
}

TEST(ParseConfigError, NesterovWithoutMomentum) {
  EXPECT_NE(
      config_error(with("[optim]\nnesterov = true\n"))
          .find("cfg.toml: optim.nesterov = true: expected nesterov = true only with momentum > 0 and dampening = 0"),
      std::string::npos);
  EXPECT_NE(
      config_error(with("[optim]\nnesterov = true\nmomentum = 0.9\ndampening = 0.1\n")).find("optim.nesterov = true"),
      std::string::npos);
}

TEST(ParseConfigError, NesterovNotABool) {
  EXPECT_EQ(config_error(with("[optim]\nnesterov = 1\n")), "cfg.toml: optim.nesterov = 1: expected true or false");
}

TEST(ParseConfigError, ZeroBatchSize) {
  EXPECT_EQ(config_error(with("[train]\nbatch_size = 0\n")),
            "cfg.toml: train.batch_size = 0: expected batch_size >= 1 or \"full\"");
}

TEST(ParseConfigError, NegativeBatchSize) {
  EXPECT_EQ(config_error(with("[train]\nbatch_size = -4\n")),
            "cfg.toml: train.batch_size = -4: expected batch_size >= 1 or \"full\"");
}

TEST(ParseConfigError, ZeroEpochs) {
  EXPECT_EQ(config_error(with("[train]\nepochs = 0\n")), "cfg.toml: train.epochs = 0: expected epochs >= 1");
}

TEST(ParseConfigError, NegativeSeed) {
  EXPECT_EQ(config_error(with("[train]\nseed = -1\n")), "cfg.toml: train.seed = -1: expected seed >= 0");
}

// The allowed activations are the layer registry's activations, sorted by name.
TEST(ParseConfigError, UnknownActivation) {
  EXPECT_EQ(config_error(with("activation = \"swish\"\n")),
            "cfg.toml: model.activation = \"swish\": expected one of none, " + util::join(nn::activation_names()));
}

TEST(ParseConfigError, UnknownOutputActivation) {
  EXPECT_EQ(
      config_error(with("output_activation = \"swish\"\n")),
      "cfg.toml: model.output_activation = \"swish\": expected one of none, " + util::join(nn::activation_names()));
}

TEST(ParseConfigError, UnknownInit) {
  EXPECT_NE(
      config_error(with("init = \"he\"\n")).find("cfg.toml: model.init = \"he\": expected one of default, nielsen,"),
      std::string::npos);
}

TEST(ParseConfigError, UnknownLoss) {
  EXPECT_EQ(config_error(with("[loss]\nname = \"hinge\"\n")),
            "cfg.toml: loss.name = \"hinge\": expected one of bce_with_logits, contrastive, cosine_embedding, "
            "cross_entropy, huber, l1, mse, nll, quadratic, smooth_l1");
}

TEST(ParseConfigError, UnknownReduction) {
  EXPECT_EQ(config_error(with("[loss]\nreduction = \"none\"\n")),
            "cfg.toml: loss.reduction = \"none\": expected one of mean, sum");
}

TEST(ParseConfigError, UnknownOptimizer) {
  EXPECT_EQ(config_error(with("[optim]\nname = \"adamax\"\n")),
            "cfg.toml: optim.name = \"adamax\": expected one of sgd, adagrad, adadelta, rmsprop, adam, adamw");
}

TEST(ParseConfigError, BadDtype) {
  EXPECT_EQ(config_error(with("[train]\ndtype = \"float16\"\n")),
            "cfg.toml: train.dtype = \"float16\": expected one of float32, float64");
  EXPECT_EQ(config_error(with("[train]\ndtype = \"int64\"\n")),
            "cfg.toml: train.dtype = \"int64\": expected one of float32, float64");
}

TEST(ParseConfigError, ClassesBelowTwo) {
  EXPECT_EQ(config_error("[model]\nlayers = [784, 1]\n[data]\nclasses = 1\n"),
            "cfg.toml: data.classes = 1: expected classes >= 2");
}

TEST(ParseConfigError, NegativeTrainLimit) {
  EXPECT_NE(config_error(with("[data]\ntrain_limit = -5\n"))
                .find("cfg.toml: data.train_limit = -5: expected train_limit >= 0"),
            std::string::npos);
}

TEST(ParseConfigError, LastLayerIsNotClasses) {
  EXPECT_EQ(config_error("[model]\nlayers = [784, 30, 5]\n[data]\nclasses = 10\n"),
            "cfg.toml: model.layers = [784, 30, 5]: expected the last size (5) to equal data.classes = 10");
  EXPECT_EQ(
      config_error("[model]\nlayers = [784, 30, 5]\n"),
      "cfg.toml: model.layers = [784, 30, 5]: expected the last size (5) to equal data.classes = 10 (the default)");
}

// ---- [optim] for every optimizer, [scheduler], and the [train] keys of full batches and clipping ----

// Each option written in TOML as its kind is written.
std::string toml_value(const optim::OptionInfo& info) {
  switch (info.kind) {
    case optim::OptionKind::NumberPair:
      return "[" + info.default_value.substr(0, info.default_value.find(',')) + ", " +
             info.default_value.substr(info.default_value.find(',') + 1) + "]";
    case optim::OptionKind::Text: return "\"" + info.default_value + "\"";
    case optim::OptionKind::Number:
      return info.default_value.find_first_of(".e") == std::string::npos ? info.default_value + ".0"
                                                                         : info.default_value;
    default: return info.default_value;
  }
}

TEST(ParseConfig, EveryOptionOfEveryOptimizer) {
  for (const std::string& name : optim::optimizer_names()) {
    std::string text = "[optim]\nname = \"" + name + "\"\n";
    optim::NameValuePairs expected;
    for (const optim::OptionInfo& info : optim::optimizer_options(name)) {
      text += info.name + " = " + toml_value(info) + "\n";
      expected.emplace_back(info.name, info.default_value);
    }
    const TrainConfig c = parse_config_string(with(text), "cfg.toml");
    EXPECT_EQ(c.optim.name, name);
    EXPECT_EQ(c.optim.options, expected) << text;
  }
}

TEST(ParseConfig, AdamWithBetas) {
  const TrainConfig c = parse_config_string(
      with("[optim]\nname = \"adam\"\nlr = 1e-3\nbetas = [0.8, 0.99]\namsgrad = true\nweight_decay = 0\n"), "cfg.toml");
  EXPECT_EQ(c.optim.options, (optim::NameValuePairs{
                                 {"lr", "0.001"}, {"betas", "0.8,0.99"}, {"weight_decay", "0"}, {"amsgrad", "true"}}));
}

TEST(ParseConfig, SchedulerSection) {
  const TrainConfig c = parse_config_string(
      with("[scheduler]\nname = \"multisteplr\"\nmilestones = [10, 20]\ngamma = 0.5\n"), "cfg.toml");
  ASSERT_TRUE(c.scheduler.has_value());
  EXPECT_EQ(c.scheduler->name, "multisteplr");
  EXPECT_EQ(c.scheduler->options, (optim::NameValuePairs{{"milestones", "10,20"}, {"gamma", "0.5"}}));
  const TrainConfig one = parse_config_string(
      with("[optim]\nmomentum = 0.9\n[scheduler]\nname = \"onecyclelr\"\nmax_lr = 0.1\nanneal_strategy = \"linear\"\n"),
      "cfg.toml");
  EXPECT_EQ(one.scheduler->options, (optim::NameValuePairs{{"max_lr", "0.1"}, {"anneal_strategy", "linear"}}));
  EXPECT_NO_THROW(parse_config_string(
      with("[scheduler]\nname = \"reducelronplateau\"\nmode = \"min\"\npatience = 3\nfactor = 0.5\n"), "cfg.toml"));
}

TEST(ParseConfig, FullBatchAndClipping) {
  const TrainConfig c = parse_config_string(with("[train]\nbatch_size = \"full\"\nclip_grad_norm = 5\n"), "cfg.toml");
  EXPECT_EQ(c.batch_size, kFullBatch);
  EXPECT_EQ(c.clip_grad_norm, 5.0);
  EXPECT_EQ(parse_config_string(with("[train]\nbatch_size = 1\nclip_grad_value = 0.5\n"), "cfg.toml").clip_grad_value,
            0.5);
}

TEST(ParseConfigError, OptimizerOptionsOutOfRange) {
  EXPECT_EQ(config_error(with("[optim]\nname = \"adam\"\nbetas = [1.5, 0.999]\n")),
            "cfg.toml: optim.betas = [1.5, 0.999]: expected 0 <= beta < 1");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adagrad\"\nlr_decay = -1\n")),
            "cfg.toml: optim.lr_decay = -1: expected lr_decay >= 0");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adadelta\"\nrho = 2\n")),
            "cfg.toml: optim.rho = 2: expected 0 <= rho <= 1");
  EXPECT_EQ(config_error(with("[optim]\nname = \"rmsprop\"\nalpha = -0.5\n")),
            "cfg.toml: optim.alpha = -0.5: expected alpha >= 0");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adamw\"\neps = -1e-8\n")),
            "cfg.toml: optim.eps = -1e-08: expected eps >= 0");
}

TEST(ParseConfigError, OptimizerOptionsOfTheWrongType) {
  EXPECT_EQ(config_error(with("[optim]\nname = \"adam\"\nbetas = 0.9\n")),
            "cfg.toml: optim.betas = 0.9: expected an array of two numbers, e.g. [0.9, 0.999]");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adam\"\nbetas = [0.9, \"x\"]\n")),
            "cfg.toml: optim.betas = [0.9, \"x\"]: expected an array of two numbers, e.g. [0.9, 0.999]");
  EXPECT_EQ(config_error(with("[optim]\nname = \"rmsprop\"\ncentered = \"yes\"\n")),
            "cfg.toml: optim.centered = \"yes\": expected true or false");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adam\"\namsgrad = 1\n")),
            "cfg.toml: optim.amsgrad = 1: expected true or false");
}

TEST(ParseConfigError, KeyOfAnotherOptimizer) {
  EXPECT_EQ(config_error(with("[optim]\nname = \"adam\"\nmomentum = 0.9\n")),
            "cfg.toml: unknown key optim.momentum (known keys in [optim] for adam: name, lr, betas, eps, weight_decay, "
            "amsgrad, maximize)");
  EXPECT_EQ(config_error(with("[optim]\nname = \"adagrad\"\nrho = 0.9\n")),
            "cfg.toml: unknown key optim.rho (known keys in [optim] for adagrad: name, lr, lr_decay, weight_decay, "
            "initial_accumulator_value, eps, maximize)");
}

TEST(ParseConfigError, SchedulerName) {
  EXPECT_EQ(
      config_error(with("[scheduler]\nstep_size = 3\n")),
      "cfg.toml: missing required key scheduler.name (one of steplr, multisteplr, exponentiallr, cosineannealinglr, "
      "linearlr, onecyclelr, reducelronplateau)");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"cosine\"\n")),
            "cfg.toml: scheduler.name = \"cosine\": expected one of steplr, multisteplr, exponentiallr, "
            "cosineannealinglr, linearlr, onecyclelr, reducelronplateau");
}

TEST(ParseConfigError, SchedulerOptions) {
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"steplr\"\ngamma = 0.5\n")),
            "cfg.toml: missing required key scheduler.step_size (for steplr: expected step_size >= 1)");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"steplr\"\nstep_size = 2.5\n")),
            "cfg.toml: scheduler.step_size = 2.5: expected an integer");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"steplr\"\nstep_size = 3\ngama = 0.5\n")),
            "cfg.toml: unknown key scheduler.gama (known keys in [scheduler] for steplr: name, step_size, gamma)");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"multisteplr\"\nmilestones = [30, 10]\n")),
            "cfg.toml: scheduler.milestones = [30, 10]: expected increasing epochs >= 0, e.g. 30,80");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"multisteplr\"\nmilestones = 30\n")),
            "cfg.toml: scheduler.milestones = 30: expected an array of integers, e.g. [30, 80]");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"reducelronplateau\"\nmode = \"lowest\"\n")),
            "cfg.toml: scheduler.mode = \"lowest\": expected min or max");
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"cosineannealinglr\"\nT_max = 0\n")),
            "cfg.toml: scheduler.T_max = 0: expected T_max >= 1");
}

TEST(ParseConfigError, OneCycleLr) {
  EXPECT_NE(
      config_error(with("[scheduler]\nname = \"onecyclelr\"\nmax_lr = 0.1\ntotal_steps = 100\n"))
          .find("cfg.toml: unknown key scheduler.total_steps (known keys in [scheduler] for onecyclelr: name, max_lr, "
                "pct_start,"),
      std::string::npos);
  EXPECT_EQ(config_error(with("[scheduler]\nname = \"onecyclelr\"\n")),
            "cfg.toml: missing required key scheduler.max_lr (for onecyclelr: expected max_lr > 0)");
  EXPECT_EQ(
      config_error(with("[optim]\nname = \"adagrad\"\n[scheduler]\nname = \"onecyclelr\"\nmax_lr = 0.1\n")),
      "cfg.toml: scheduler.cycle_momentum = true (the default): expected false, as optim.name = \"adagrad\" has no "
      "momentum or betas to cycle");
  EXPECT_NO_THROW(parse_config_string(
      with("[optim]\nname = \"adagrad\"\n[scheduler]\nname = \"onecyclelr\"\nmax_lr = 0.1\ncycle_momentum = false\n"),
      "cfg.toml"));
}

TEST(ParseConfigError, BatchSizeWord) {
  EXPECT_EQ(config_error(with("[train]\nbatch_size = \"half\"\n")),
            "cfg.toml: train.batch_size = \"half\": expected batch_size >= 1 or \"full\"");
  EXPECT_EQ(config_error(with("[train]\nbatch_size = 2.5\n")), "cfg.toml: train.batch_size = 2.5: expected an integer");
}

TEST(ParseConfig, FlushDenormal) {
  EXPECT_TRUE(parse_config_string(with("[train]\nflush_denormal = true\n"), "cfg.toml").flush_denormal);
  EXPECT_FALSE(parse_config_string(with("[train]\nflush_denormal = false\n"), "cfg.toml").flush_denormal);
  EXPECT_EQ(config_error(with("[train]\nflush_denormal = 1\n")),
            "cfg.toml: train.flush_denormal = 1: expected true or false");
}

TEST(ParseConfigError, Clipping) {
  EXPECT_EQ(config_error(with("[train]\nclip_grad_norm = 0\n")),
            "cfg.toml: train.clip_grad_norm = 0: expected clip_grad_norm > 0");
  EXPECT_EQ(config_error(with("[train]\nclip_grad_value = -1.5\n")),
            "cfg.toml: train.clip_grad_value = -1.5: expected clip_grad_value > 0");
  EXPECT_EQ(config_error(with("[train]\nclip_grad_norm = 1\nclip_grad_value = 1\n")),
            "cfg.toml: train.clip_grad_value = 1: expected clip_grad_norm or clip_grad_value, not both");
  EXPECT_EQ(config_error(with("[train]\nclip_grad_norm = \"big\"\n")),
            "cfg.toml: train.clip_grad_norm = \"big\": expected a number");
}

}  // namespace
}  // namespace descent::train
