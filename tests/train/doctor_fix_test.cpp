// A finding's fix as a config change (config_fix), for each cause on an MLP-form and a layer-form
// config, and the change applied to a config file (apply_config_change): the keys written, new
// sections, and a ConfigError for a key that cannot be set.
#include "descent/train/doctor_fix.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "descent/error.hpp"
#include "descent/train/config.hpp"

namespace descent::train {
namespace {

namespace fs = std::filesystem;
using diagnostics::Finding;
using diagnostics::Severity;

// An MLP [4, 8, 3] with relu, SGD at lr 0.1 with weight decay 0.5, 100 training examples, 2 epochs.
constexpr const char* kFixMlp = R"toml([model]
layers = [4, 8, 3]
activation = "relu"

[loss]
name = "cross_entropy"

[optim]
name = "sgd"
lr = 0.1
weight_decay = 0.5

[data]
classes = 3
train_limit = 100

[train]
epochs = 2
batch_size = 10
)toml";

// The layer form, every layer numbered: 0 conv2d with its own bias_init, 1 relu, 2 flatten, 3 tanh,
// 4 dropout 0.9, 5 linear with its own weight_init, 6 softmax. Adagrad at its default lr (1e-2), no
// [train] section.
constexpr const char* kLayers = R"toml([model]
input_shape = [1, 4, 4]

[[model.layer]]
type = "conv2d"
out_channels = 2
kernel_size = 3
bias_init = "constant(-1)"

[[model.layer]]
type = "relu"

[[model.layer]]
type = "flatten"

[[model.layer]]
type = "tanh"

[[model.layer]]
type = "dropout"
p = 0.9

[[model.layer]]
type = "linear"
out_features = 3
weight_init = "normal(0, 1)"

[[model.layer]]
type = "softmax"

[loss]
name = "cross_entropy"

[optim]
name = "adagrad"

[data]
classes = 3
)toml";

Finding finding(const std::string& cause, std::vector<double> suggestion = {}, const std::string& where = "",
                Severity severity = Severity::Problem) {
  Finding f;
  f.cause = cause;
  f.suggestion = std::move(suggestion);
  f.where = where;
  f.severity = severity;
  return f;
}

TrainConfig fix_mlp(const std::string& text = kFixMlp) { return parse_config_string(text, "mlp.toml"); }
TrainConfig layers() { return parse_config_string(kLayers, "layers.toml"); }

// `text` with the first occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ConfigFix, LearningRateByTheSuggestedFactor) {
  // lr 0.1 x 0.1 and x 100; numbers as TOML floats (".3g", with ".0" where no point would be).
  EXPECT_EQ(config_fix(finding("lr_too_high", {0.1}), fix_mlp()), (ConfigChange{{"optim.lr", "0.01"}}));
  EXPECT_EQ(config_fix(finding("lr_too_low", {100}), fix_mlp()), (ConfigChange{{"optim.lr", "10.0"}}));
}

TEST(ConfigFix, LearningRateOfAnOptimizerAtItsDefault) {
  // No lr in the config: the optimizer's own default (AdagradOptions: 1e-2; AdadeltaOptions: 1.0) times
  // the factor.
  EXPECT_EQ(config_fix(finding("lr_too_high", {0.1}), layers()), (ConfigChange{{"optim.lr", "0.001"}}));
  const std::string adadelta = replaced(kFixMlp, "name = \"sgd\"\nlr = 0.1\n", "name = \"adadelta\"\n");
  EXPECT_EQ(config_fix(finding("lr_too_high", {0.1}), fix_mlp(adadelta)), (ConfigChange{{"optim.lr", "0.1"}}));
}

TEST(ConfigFix, ExplodingGradientClipsOrResetsAChosenInit) {
  // The MLP keeps PyTorch's default init: bound the steps.
  EXPECT_EQ(config_fix(finding("exploding_gradient", {1.0}), fix_mlp()),
            (ConfigChange{{"train.clip_grad_norm", "1.0"}}));
  // Layer 5 chose its init: He's for the model's relu, in [model] and in the layer that set its own.
  EXPECT_EQ(config_fix(finding("exploding_gradient", {1.0}), layers()),
            (ConfigChange{{"model.weight_init", "\"kaiming_uniform\""},
                          {"model.layer[5].weight_init", "\"kaiming_uniform\""}}));
}

TEST(ConfigFix, UphillUpdateTurnsMaximizeOff) {
  const std::string maximizing = replaced(kFixMlp, "lr = 0.1\n", "lr = 0.1\nmaximize = true\n");
  EXPECT_EQ(config_fix(finding("uphill_update"), fix_mlp(maximizing)), (ConfigChange{{"optim.maximize", "false"}}));
  EXPECT_TRUE(config_fix(finding("uphill_update"), fix_mlp()).empty());  // a hand-written step: no key fixes it
}

TEST(ConfigFix, DataFixes) {
  EXPECT_EQ(config_fix(finding("unscaled_input"), fix_mlp()), (ConfigChange{{"data.normalize", "\"standardize\""}}));
  // Inline data is the user's own numbers: no normalize key applies to it.
  const TrainConfig inline_data = parse_config_string(
      "[model]\nlayers = [1, 1]\n[loss]\nname = \"mse\"\n[data]\ninputs = [[100.0]]\ntargets = [[1.0]]\n", "i.toml");
  EXPECT_TRUE(config_fix(finding("unscaled_input"), inline_data).empty());
  EXPECT_EQ(config_fix(finding("unshuffled_data"), layers()), (ConfigChange{{"data.shuffle", "true"}}));
  // Class weights from the suggestion (the square roots computed in data_inspection), as a TOML list.
  EXPECT_EQ(
      config_fix(finding("class_imbalance", {0.6582805886043833, 1.4719601443879744, 2.0816659994661326}), fix_mlp()),
      (ConfigChange{{"loss.weight", "[0.658, 1.47, 2.08]"}}));
  // A warning (a test set's imbalance), or a loss with no class weights: nothing.
  EXPECT_TRUE(config_fix(finding("class_imbalance", {1, 2}, "test set", Severity::Warning), fix_mlp()).empty());
  EXPECT_TRUE(config_fix(finding("class_imbalance", {1, 2}), inline_data).empty());
  for (const std::string cause : {"wrong_gradient", "no_signal", "label_mismatch", "nonfinite"}) {
    EXPECT_TRUE(config_fix(finding(cause), fix_mlp()).empty()) << cause;
    EXPECT_TRUE(config_fix(finding(cause), layers()).empty()) << cause;
  }
}

TEST(ConfigFix, LossOutputMismatch) {
  // The MLP form: the output activation the loss wants.
  EXPECT_EQ(config_fix(finding("loss_output_mismatch"), fix_mlp()),
            (ConfigChange{{"model.output_activation", "\"none\""}}));
  const std::string nll = replaced(kFixMlp, "name = \"cross_entropy\"", "name = \"nll\"");
  EXPECT_EQ(config_fix(finding("loss_output_mismatch"), fix_mlp(nll)),
            (ConfigChange{{"model.output_activation", "\"log_softmax\""}}));
  // The layer form: the last softmax (layer 6) becomes an identity.
  EXPECT_EQ(config_fix(finding("loss_output_mismatch"), layers()),
            (ConfigChange{{"model.layer[6].type", "\"identity\""}}));
}

TEST(ConfigFix, LinearModelAddsRelu) {
  EXPECT_EQ(config_fix(finding("linear_model"), fix_mlp()), (ConfigChange{{"model.activation", "\"relu\""}}));
  EXPECT_TRUE(config_fix(finding("linear_model"), layers()).empty());  // where to put it is the user's choice
}

TEST(ConfigFix, InitFixesFitTheActivation) {
  EXPECT_EQ(config_fix(finding("bad_init"), fix_mlp()), (ConfigChange{{"model.weight_init", "\"kaiming_uniform\""}}));
  const std::string sigmoid = replaced(kFixMlp, "activation = \"relu\"", "activation = \"sigmoid\"");
  EXPECT_EQ(config_fix(finding("bad_init"), fix_mlp(sigmoid)),
            (ConfigChange{{"model.weight_init", "\"xavier_uniform\""}}));
  EXPECT_EQ(config_fix(finding("bad_init"), layers()),
            (ConfigChange{{"model.weight_init", "\"kaiming_uniform\""},
                          {"model.layer[5].weight_init", "\"kaiming_uniform\""}}));
  EXPECT_EQ(config_fix(finding("saturation"), fix_mlp()), (ConfigChange{{"model.weight_init", "\"xavier_uniform\""}}));
  EXPECT_EQ(config_fix(finding("saturation"), layers()),
            (ConfigChange{{"model.weight_init", "\"xavier_uniform\""},
                          {"model.layer[5].weight_init", "\"xavier_uniform\""}}));
}

TEST(ConfigFix, VanishingGradientTurnsToReluWithHesInit) {
  EXPECT_EQ(config_fix(finding("vanishing_gradient"), fix_mlp()),
            (ConfigChange{{"model.activation", "\"relu\""}, {"model.weight_init", "\"kaiming_uniform\""}}));
  // The tanh at layer 3 becomes a relu; layer 5's own init is reset too, or it would keep N(0, 1).
  EXPECT_EQ(config_fix(finding("vanishing_gradient"), layers()),
            (ConfigChange{{"model.weight_init", "\"kaiming_uniform\""},
                          {"model.layer[5].weight_init", "\"kaiming_uniform\""},
                          {"model.layer[3].type", "\"relu\""}}));
}

TEST(ConfigFix, DeadReluResetsTheBiasInit) {
  EXPECT_EQ(config_fix(finding("dead_relu"), fix_mlp()),
            (ConfigChange{{"model.bias_init", "\"default\""}, {"model.activation", "\"leaky_relu\""}}));
  EXPECT_EQ(config_fix(finding("dead_relu"), layers()),
            (ConfigChange{{"model.bias_init", "\"default\""}, {"model.layer[0].bias_init", "\"default\""}}));
}

TEST(ConfigFix, OverRegularization) {
  // weight_decay 0.5 x 0.01.
  EXPECT_EQ(config_fix(finding("over_regularization", {0.01}, "optim.weight_decay"), fix_mlp()),
            (ConfigChange{{"optim.weight_decay", "0.005"}}));
  // Dropout at layer 4 of the layer form: p 0.2. The MLP form has no dropout key.
  EXPECT_EQ(config_fix(finding("over_regularization", {0.2}, "4"), layers()),
            (ConfigChange{{"model.layer[4].p", "0.2"}}));
  EXPECT_TRUE(config_fix(finding("over_regularization", {0.2}, "4"), fix_mlp()).empty());
}

TEST(ConfigFix, BadOptimizerSettingSetsTheSuggestedValue) {
  EXPECT_EQ(config_fix(finding("bad_optimizer_setting", {NAN}, "optim.betas"), fix_mlp()),
            (ConfigChange{{"optim.betas", "[0.9, 0.999]"}}));
  EXPECT_EQ(config_fix(finding("bad_optimizer_setting", {0.9}, "optim.momentum"), fix_mlp()),
            (ConfigChange{{"optim.momentum", "0.9"}}));
  EXPECT_EQ(config_fix(finding("bad_optimizer_setting", {1e-8}, "optim.eps"), layers()),
            (ConfigChange{{"optim.eps", "1e-08"}}));
}

TEST(ConfigFix, UndertrainedAndOverfitting) {
  EXPECT_EQ(config_fix(finding("undertrained", {10}), fix_mlp()), (ConfigChange{{"train.epochs", "20"}}));
  const std::string full = replaced(kFixMlp, "batch_size = 10", "batch_size = \"full\"");
  EXPECT_EQ(config_fix(finding("undertrained", {10}), fix_mlp(full)), (ConfigChange{{"train.batch_size", "64"}}));
  // Overfitting: all the training data when the config limits it, else some weight decay.
  EXPECT_EQ(config_fix(finding("overfitting"), fix_mlp()), (ConfigChange{{"data.train_limit", "0"}}));
  EXPECT_EQ(config_fix(finding("overfitting"), layers()), (ConfigChange{{"optim.weight_decay", "0.001"}}));
}

class ApplyConfigChange : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_doctor_fix_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string path = (dir_ / "cfg.toml").string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
};

TEST_F(ApplyConfigChange, WritesLayerKeysOptionsAndNewSectionsAndTheResultParses) {
  const std::string path = write(kLayers);
  const TrainConfig c = apply_config_change(path, {{"model.layer[3].type", "\"relu\""},
                                                   {"model.layer[5].weight_init", "\"kaiming_uniform\""},
                                                   {"optim.lr", "0.001"},
                                                   {"data.normalize", "\"standardize\""},
                                                   {"train.clip_grad_norm", "1.0"}});
  EXPECT_EQ(c.model.layer.at(3).type, "relu");
  EXPECT_EQ(c.model.layer.at(5).option("weight_init"), "kaiming_uniform");
  EXPECT_EQ(c.model.layer.at(0).option("bias_init"), "constant(-1)");  // the rest as it was
  EXPECT_EQ(c.optim.name, "adagrad");
  EXPECT_EQ(config_fix(finding("lr_too_high", {1.0}), c), (ConfigChange{{"optim.lr", "0.001"}}));  // lr read back
  EXPECT_EQ(c.data.normalize, "standardize");
  EXPECT_EQ(c.clip_grad_norm, 1.0);  // [train] did not exist: a new section
  EXPECT_EQ(c.path, path);
}

TEST_F(ApplyConfigChange, EveryFixOfEveryCauseApplies) {
  // Each cause's fix, on both forms, is a change the config reader accepts.
  for (const char* text : {kFixMlp, kLayers}) {
    const std::string path = write(text);
    const TrainConfig config = parse_config(path);
    for (const Finding& f :
         {finding("lr_too_high", {0.1}), finding("lr_too_low", {100}), finding("exploding_gradient", {1.0}),
          finding("unscaled_input"), finding("unshuffled_data"), finding("class_imbalance", {0.5, 1.0, 2.0}),
          finding("loss_output_mismatch"), finding("linear_model"), finding("bad_init"), finding("saturation"),
          finding("vanishing_gradient"), finding("dead_relu"),
          finding("over_regularization", {0.01}, "optim.weight_decay"), finding("over_regularization", {0.2}, "4"),
          // An option each optimizer has: sgd's momentum, adagrad's eps.
          text == kFixMlp ? finding("bad_optimizer_setting", {0.9}, "optim.momentum")
                          : finding("bad_optimizer_setting", {1e-8}, "optim.eps"),
          finding("undertrained", {10}), finding("overfitting")}) {
      const ConfigChange change = config_fix(f, config);
      if (change.empty()) continue;
      EXPECT_NO_THROW(apply_config_change(path, change))
          << f.cause << " on " << (text == kFixMlp ? "the MLP" : "the layers");
    }
  }
}

TEST_F(ApplyConfigChange, AKeyThatCannotBeSetIsAConfigError) {
  const std::string path = write(kLayers);
  const auto message = [&](const ConfigChange& change) {
    try {
      apply_config_change(path, change);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << "no ConfigError for " << change.front().first;
    return std::string();
  };
  EXPECT_EQ(message({{"model.layer[7].type", "\"relu\""}}),
            path + ": cannot apply the fix model.layer[7].type: no such layer");
  EXPECT_EQ(message({{"optim.name.x", "1"}}), path + ": cannot apply the fix optim.name.x: name is not a table");
  // A key the config reader does not know: its own message, naming the key.
  EXPECT_NE(message({{"optim.learning_rate", "0.1"}}).find("learning_rate"), std::string::npos);
  EXPECT_THROW(apply_config_change((dir_ / "missing.toml").string(), {{"optim.lr", "0.1"}}), ConfigError);
}

}  // namespace
}  // namespace descent::train
