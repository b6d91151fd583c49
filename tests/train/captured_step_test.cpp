// Captured training steps (train/captured_step.hpp) give the eager steps' results bit for bit: the loss,
// every gradient and every parameter after each update of the MLPs a plan replays; every example config
// trained for about 50 updates with capture on and off, float32 and float64 (every tensor of the
// checkpoint, every epoch's figures); a run resumed from a checkpoint. And the plan is used where it
// should be (Nielsen's MLP) and not elsewhere (LeNet, label smoothing, DESCENT_CAPTURE=0).
#include "descent/train/captured_step.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "cli/resumable_run.hpp"
#include "data/idx_files.hpp"
#include "descent/descent.hpp"
#include "support/example_configs.hpp"
#include "support/same_bits.hpp"
#include "support/scoped_env.hpp"

namespace descent::train {
namespace {

using descent::testing::same_bits;
using descent::testing::ScopedEnv;

// Two copies of a config's model, loss and optimizer: one trained eagerly, one from a plan captured
// after its first eager step; each update compared on a fresh random batch.
struct Twin {
  std::shared_ptr<nn::Module> model;
  LossFn loss;
  std::unique_ptr<optim::Optimizer> optimizer;
};

Twin twin(const TrainConfig& config) {
  Generator gen(config.seed);
  Twin t;
  t.model = build_network(config, gen);
  t.loss = build_loss(config);
  t.optimizer = build_optimizer(config, *t.model);
  t.model->train();
  return t;
}

double eager_step(Twin& t, const Tensor& x, const Tensor& y) {
  t.optimizer->zero_grad();
  const Tensor loss = t.loss(t.model->forward(x), y);
  const double value = loss.item();
  loss.backward();
  return value;
}

struct Batch {
  Tensor x, y;
};

Batch random_batch(const TrainConfig& config, std::int64_t n, Generator& gen) {
  const std::int64_t in = config.model.layers.front(), out = config.model.layers.back();
  Batch b{rand(Shape{n, in}, config.dtype, &gen), Tensor()};
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) labels.push_back(static_cast<std::int64_t>(gen.uniform() * 1e6) % out);
  b.y = from_vector(labels, Shape{n});
  return b;
}

// `steps` updates of both twins, with a batch of `odd` rows (no plan fits it: eager on both) every
// fifth. Returns the updates the plan ran.
std::int64_t expect_plan_matches_eager(const TrainConfig& config, int steps, std::int64_t n, std::int64_t odd) {
  Twin eager = twin(config), captured = twin(config);
  Generator gen(config.seed + 1);
  std::unique_ptr<CapturedStep> plan;
  std::int64_t planned = 0;
  for (int step = 0; step < steps; ++step) {
    const Batch b = random_batch(config, step % 5 == 4 ? odd : n, gen);
    const double expected = eager_step(eager, b.x, b.y);
    double got = 0;
    if (plan && plan->fits(b.x, b.y)) {
      captured.optimizer->zero_grad();
      Tensor output;
      got = plan->run(
          b.x, b.y, [](double) {}, output);
      ++planned;
    } else {
      got = eager_step(captured, b.x, b.y);
      if (!plan) plan = CapturedStep::capture(*captured.model, config, b.x, b.y);
      if (!plan) return 0;
    }
    EXPECT_EQ(std::memcmp(&got, &expected, sizeof got), 0)
        << "loss of update " << step << ": " << got << " against " << expected;
    const auto a = eager.model->named_parameters(), c = captured.model->named_parameters();
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_TRUE(same_bits(a[i].second.grad(), c[i].second.grad())) << a[i].first << ".grad, update " << step;
    eager.optimizer->step();
    captured.optimizer->step();
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_TRUE(same_bits(a[i].second, c[i].second)) << a[i].first << " after update " << step;
  }
  return planned;
}

TrainConfig mlp(const std::string& model, const std::string& loss, const std::string& more = "") {
  return parse_config_string("[model]\n" + model + "\n[loss]\n" + loss + "\n[data]\nclasses = 4\n" + more, "mlp.toml");
}

TEST(CapturedStep, ReplaysEveryCapturedActivationAndLossBitForBit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"layers = [6, 5, 4]\nactivation = \"sigmoid\"\noutput_activation = \"sigmoid\"\ninit = \"nielsen\"",
       "name = \"quadratic\""},
      {"layers = [6, 8, 5, 4]\nactivation = \"relu\"\noutput_activation = \"none\"", "name = \"cross_entropy\""},
      {"layers = [6, 5, 4]\nactivation = \"tanh\"\noutput_activation = \"tanh\"",
       "name = \"mse\"\nreduction = \"sum\""},
      {"layers = [6, 5, 4]\nactivation = \"leaky_relu\"\noutput_activation = \"none\"",
       "name = \"cross_entropy\"\nreduction = \"sum\""},
      {"layers = [6, 5, 4]\nactivation = \"gelu\"\noutput_activation = \"elu\"\nbias = false", "name = \"mse\""},
  };
  for (const auto& [model, loss] : cases)
    for (const char* dtype : {"float32", "float64"})
      for (const char* optim : {"name = \"sgd\"\nlr = 0.5\nmomentum = 0.9", "name = \"adam\"\nlr = 0.01"}) {
        SCOPED_TRACE(model + "\n" + loss + "\n" + dtype + "\n" + optim);
        const TrainConfig config =
            mlp(model, loss, std::string("[optim]\n") + optim + "\n[train]\nseed = 3\ndtype = \"" + dtype + "\"\n");
        // 20 updates, 4 of them on a batch of 3 rows: 15 of batch 7 replayed (the first is eager)
        EXPECT_EQ(expect_plan_matches_eager(config, 20, 7, 3), 15);
      }
}

// Layers wide enough for the float32 products to leave descent's own kernels (oneDNN, where the
// plan's Linear + ReLU is one fused pass, and the eager step's two are not): the same bits still.
TEST(CapturedStep, ReplaysLargeProductsAndFusedReluBitForBit) {
  for (const char* dtype : {"float32", "float64"}) {
    SCOPED_TRACE(dtype);
    const TrainConfig config =
        mlp("layers = [300, 1024, 1024, 4]\nactivation = \"relu\"\noutput_activation = \"none\"",
            "name = \"cross_entropy\"",
            std::string("[optim]\nname = \"sgd\"\nlr = 0.05\nmomentum = 0.9\n[train]\nseed = 4\ndtype = \"") + dtype +
                "\"\n");
    // 6 updates of batch 64, the fifth of 5 rows: 4 replayed
    EXPECT_EQ(expect_plan_matches_eager(config, 6, 64, 5), 4);
  }
}

// A plan run with the optimizer to fuse (CapturedStep::run's `fuse`), then step(), against the eager
// step: every parameter bit for bit after each update, the loss too; the weights whose update was fused
// have no grad, the others the eager one; the optimizer's state (step counts, buffers) the same at the end.
// Returns how many weights had their update fused, over all updates.
std::int64_t expect_fused_steps_match_eager(const TrainConfig& config, int steps, std::int64_t n) {
  Twin eager = twin(config), captured = twin(config);
  Generator gen(config.seed + 1);
  std::unique_ptr<CapturedStep> plan;
  std::int64_t fused = 0;
  for (int step = 0; step < steps; ++step) {
    const Batch b = random_batch(config, n, gen);
    const double expected = eager_step(eager, b.x, b.y);
    double got = 0;
    if (plan) {
      EXPECT_TRUE(plan->fits(b.x, b.y));
      captured.optimizer->zero_grad();
      Tensor output;
      got = plan->run(
          b.x, b.y, [](double) {}, output, 1.0, captured.optimizer.get());
    } else {
      got = eager_step(captured, b.x, b.y);
      plan = CapturedStep::capture(*captured.model, config, b.x, b.y);
      EXPECT_TRUE(plan != nullptr);
      if (!plan) return 0;
    }
    EXPECT_EQ(std::memcmp(&got, &expected, sizeof got), 0) << "loss of update " << step;
    const auto a = eager.model->named_parameters(), c = captured.model->named_parameters();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const Tensor& grad = c[i].second.grad();
      if (!grad.defined() && step > 0) ++fused;
      else EXPECT_TRUE(same_bits(a[i].second.grad(), grad)) << a[i].first << ".grad, update " << step;
    }
    eager.optimizer->step();
    captured.optimizer->step();
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_TRUE(same_bits(a[i].second, c[i].second)) << a[i].first << " after update " << step;
  }
  const optim::OptimizerState se = eager.optimizer->state_dict(), sc = captured.optimizer->state_dict();
  EXPECT_EQ(se.scalars, sc.scalars);
  EXPECT_EQ(se.tensors.size(), sc.tensors.size());
  for (const auto& [name, t] : se.tensors) EXPECT_TRUE(sc.tensors.contains(name) && same_bits(t, sc.tensors.at(name)));
  return fused;
}

// Plain SGD (lr or maximize) fused into the weight gradients' products: in registers with a batch of
// 10 (W1's), as the product and the optimizer's pass with one of 20; through three Linear layers, whose
// inner weights are read by dX = dY W before their update. Momentum and Adam are not fused.
TEST(CapturedStep, FusesPlainSgdUpdatesIntoTheProductsBitForBit) {
  const std::string sigmoid =
      "layers = [12, 30, 7, 4]\nactivation = \"sigmoid\"\noutput_activation = \"sigmoid\"\ninit = \"nielsen\"";
  const std::string relu = "layers = [40, 33, 4]\nactivation = \"relu\"\noutput_activation = \"none\"";
  for (const char* dtype : {"float32", "float64"})
    for (const std::int64_t n : {10, 20}) {
      const std::string train = std::string("[train]\nseed = 5\ndtype = \"") + dtype + "\"\n";
      SCOPED_TRACE(std::string(dtype) + ", batch " + std::to_string(n));
      // 12 updates, the first eager: 11 replayed, each fusing the 3 weights (or 2)
      EXPECT_EQ(expect_fused_steps_match_eager(
                    mlp(sigmoid, "name = \"quadratic\"", "[optim]\nname = \"sgd\"\nlr = 3.0\n" + train), 12, n),
                33);
      EXPECT_EQ(expect_fused_steps_match_eager(mlp(relu, "name = \"cross_entropy\"",
                                                   "[optim]\nname = \"sgd\"\nlr = 0.1\nmaximize = true\n" + train),
                                               12, n),
                22);
      EXPECT_EQ(expect_fused_steps_match_eager(
                    mlp(sigmoid, "name = \"quadratic\"", "[optim]\nname = \"sgd\"\nlr = 3.0\nmomentum = 0.5\n" + train),
                    12, n),
                0);
      EXPECT_EQ(expect_fused_steps_match_eager(
                    mlp(relu, "name = \"cross_entropy\"", "[optim]\nname = \"adam\"\nlr = 0.01\n" + train), 12, n),
                0);
    }
}

TEST(CapturedStep, ModelsAndLossesOutsideThePlanAreNotCaptured) {
  const Tensor x = rand(Shape{4, 6}), labels = from_vector(std::vector<std::int64_t>{0, 1, 2, 3}, Shape{4});
  auto captures = [&](const TrainConfig& config) {
    Generator gen(1);
    auto model = build_network(config, gen);
    model->train();
    return CapturedStep::capture(*model, config, x, labels) != nullptr;
  };
  EXPECT_TRUE(captures(mlp("layers = [6, 4]", "name = \"cross_entropy\"")));
  EXPECT_FALSE(captures(mlp("layers = [6, 4]", "name = \"cross_entropy\"\nlabel_smoothing = 0.1")));
  EXPECT_FALSE(captures(mlp("layers = [6, 4]", "name = \"cross_entropy\"\nweight = [1, 2, 1, 1]")));
  EXPECT_FALSE(captures(mlp("layers = [6, 4]", "name = \"nll\"")));
  EXPECT_FALSE(captures(mlp("layers = [6, 4]\noutput_activation = \"softmax\"", "name = \"mse\"")));
  EXPECT_FALSE(
      captures(mlp("layers = [6, 4]\nactivation = \"softplus\"\noutput_activation = \"softplus\"", "name = \"mse\"")));
  // the layer form, even of Linear layers alone: its model views the inputs first
  EXPECT_FALSE(captures(
      mlp("input_shape = [6]\n[[model.layer]]\ntype = \"linear\"\nout_features = 4", "name = \"cross_entropy\"")));
}

TEST(CapturedStep, DoesNotFitAnotherBatchSizeEvalModeOrABadLabel) {
  const TrainConfig config = mlp("layers = [6, 4]", "name = \"cross_entropy\"");
  Generator gen(1);
  auto model = build_network(config, gen);
  model->train();
  const Tensor x = rand(Shape{2, 6}), labels = from_vector(std::vector<std::int64_t>{0, 3}, Shape{2});
  const auto plan = CapturedStep::capture(*model, config, x, labels);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->fits(x, labels));
  EXPECT_FALSE(plan->fits(rand(Shape{3, 6}), from_vector(std::vector<std::int64_t>{0, 1, 2}, Shape{3})));
  EXPECT_FALSE(plan->fits(x.to(Dtype::Float64), labels));
  EXPECT_FALSE(plan->fits(x, from_vector(std::vector<std::int64_t>{0, 4}, Shape{2})));  // the eager path reports it
  model->eval();
  EXPECT_FALSE(plan->fits(x, labels));
}

// ---- whole runs: every example config, capture on against off ----

// A directory of its own for each test, named for it ("/" of parameterized names replaced).
class RunDir {
 public:
  RunDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("descent_capture_") + info->test_suite_name() + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~RunDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

constexpr std::uint32_t kTrainImages = 245, kTestImages = 20;  // batches of 10: 24 full, one of 5

// MNIST's file layout, 28 x 28 images of noise whose brightness follows the label.
void write_images(const RunDir& dir) {
  auto images = [](std::uint32_t n, std::uint32_t salt) {
    data::testing::Bytes pixels, labels;
    std::uint32_t state = 12345 + salt;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint8_t label = static_cast<std::uint8_t>((i * 7 + salt) % 10);
      labels.push_back(label);
      for (int k = 0; k < 28 * 28; ++k) {
        state = state * 1664525u + 1013904223u;
        pixels.push_back(static_cast<std::uint8_t>((state >> 24) % (40 + 20 * label)));
      }
    }
    return std::pair{pixels, labels};
  };
  const auto [train_x, train_y] = images(kTrainImages, 0);
  const auto [test_x, test_y] = images(kTestImages, 1);
  using data::testing::idx_bytes;
  data::testing::write_raw(dir.file("train-images-idx3-ubyte"), idx_bytes({kTrainImages, 28, 28}, train_x));
  data::testing::write_raw(dir.file("train-labels-idx1-ubyte"), idx_bytes({kTrainImages}, train_y));
  data::testing::write_raw(dir.file("t10k-images-idx3-ubyte"), idx_bytes({kTestImages, 28, 28}, test_x));
  data::testing::write_raw(dir.file("t10k-labels-idx1-ubyte"), idx_bytes({kTestImages}, test_y));
}

// The example's config sized for the generated set: 2 epochs of batches of 10 (50 updates), or 50
// epochs of inline examples; no validation split or early stopping (the set is too small for them).
TrainConfig small_run(const std::string& path, Dtype dtype) {
  TrainConfig c = parse_config(path);
  c.dtype = dtype;
  c.batch_size = 10;
  c.epochs = c.data.inputs.empty() ? 2 : 50;
  c.data.train_limit = 0;
  c.data.test_limit = 0;
  c.data.validation = 0;
  c.early_stopping.reset();
  if (c.model.siamese != "none") {
    c.data.train_pairs = kTrainImages;
    c.data.test_pairs = kTestImages;
  }
  return c;
}

struct Outcome {
  RunSummary summary;
  std::string error;  // a run that stopped with an error (a fault example that diverges): its message
};

Outcome train(const TrainConfig& config, const RunDir& dir, const std::string& checkpoint, bool capture,
              const std::string& resume = "") {
  const ScopedEnv env("DESCENT_CAPTURE", capture ? "1" : "0");
  RunOptions options;
  options.data_dir = dir.file("");
  options.save_path = dir.file(checkpoint);
  options.resume_path = resume.empty() ? "" : dir.file(resume);
  options.epochs = config.epochs;  // as --epochs: the total, on resume too
  std::ostringstream out, warnings;
  options.warnings = &warnings;
  Outcome o;
  try {
    o.summary = run_training(config, options, out);
  } catch (const Error& e) {
    o.error = e.what();
  }
  return o;
}

void expect_same_epochs(const RunSummary& a, const RunSummary& b) {
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (std::size_t i = 0; i < a.epochs.size(); ++i) {
    const EpochResult &x = a.epochs[i], &y = b.epochs[i];
    EXPECT_EQ(x.train_loss, y.train_loss) << "epoch " << i;
    EXPECT_EQ(x.test_loss, y.test_loss) << "epoch " << i;
    EXPECT_EQ(x.test_correct, y.test_correct) << "epoch " << i;
    EXPECT_EQ(x.threshold, y.threshold) << "epoch " << i;
    EXPECT_EQ(x.lr, y.lr) << "epoch " << i;
  }
}

// Whether a run of `c` should replay its steps: the MLP form with the activations and losses a plan
// covers (docs/capture.md), nothing watching every op.
bool replayable(const TrainConfig& c) {
  const std::set<std::string> activations = {"none", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"};
  const bool plain_loss =
      c.loss.name == "quadratic" || c.loss.name == "mse" ||
      (c.loss.name == "cross_entropy" && c.loss.numbers("weight").empty() && c.loss.number("label_smoothing") == 0);
  return !c.model.layers.empty() && c.model.siamese == "none" && activations.contains(c.model.activation) &&
         activations.contains(c.model.output_activation) && plain_loss && c.diagnostics.monitor_every == 0 &&
         c.diagnostics.loss_window == 0 && !c.diagnostics.nonfinite_watch && !c.diagnostics.diagnose;
}

class CaptureOnExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CaptureOnExample, TrainsAsEagerBitForBit) {
  RunDir dir;
  write_images(dir);
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    SCOPED_TRACE(std::string(to_string(dtype)));
    const TrainConfig config = small_run(GetParam(), dtype);
    const Outcome on = train(config, dir, "on.safetensors", true);
    const Outcome off = train(config, dir, "off.safetensors", false);
    // a run stopped by divergence names its last checkpoint, which is each run's own
    std::string on_error = on.error;
    if (const auto at = on_error.find("on.safetensors"); at != std::string::npos) on_error.replace(at, 2, "off");
    EXPECT_EQ(on_error, off.error);
    EXPECT_EQ(off.summary.captured_steps, 0);
    if (on.error.empty()) {  // a run stopped by an error returns no summary
      if (replayable(config)) EXPECT_GT(on.summary.captured_steps, 40);
      else EXPECT_EQ(on.summary.captured_steps, 0);
    }
    expect_same_epochs(on.summary, off.summary);
    if (std::filesystem::exists(dir.file("off.safetensors")))
      cli::testing::expect_same_checkpoint(dir.file("on.safetensors"), dir.file("off.safetensors"));
    std::filesystem::remove(dir.file("on.safetensors"));
    std::filesystem::remove(dir.file("off.safetensors"));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryExample, CaptureOnExample, ::testing::ValuesIn(testing::example_configs()),
                         testing::example_test_name);

TEST(CapturedRun, NielsensMlpIsReplayedAndLeNetIsNot) {
  RunDir dir;
  write_images(dir);
  const std::string examples = std::string(DESCENT_SOURCE_DIR) + "/examples/";
  // Per epoch 24 batches of 10 and one of 5. Epoch 0: the first of each size eager, then captured.
  const Outcome nielsen =
      train(small_run(examples + "nielsen/config.toml", Dtype::Float32), dir, "n.safetensors", true);
  EXPECT_EQ(nielsen.error, "");
  EXPECT_EQ(nielsen.summary.captured_steps, 2 * 25 - 2);
  const Outcome lenet = train(small_run(examples + "lenet/mnist.toml", Dtype::Float32), dir, "l.safetensors", true);
  EXPECT_EQ(lenet.error, "");
  EXPECT_EQ(lenet.summary.epochs.size(), 2u);
  EXPECT_EQ(lenet.summary.captured_steps, 0);
  // [train] capture = false and DESCENT_CAPTURE=0 each turn it off
  TrainConfig off = small_run(examples + "nielsen/config.toml", Dtype::Float32);
  off.capture = false;
  EXPECT_EQ(train(off, dir, "n.safetensors", true).summary.captured_steps, 0);
  EXPECT_EQ(train(small_run(examples + "nielsen/config.toml", Dtype::Float32), dir, "n.safetensors", false)
                .summary.captured_steps,
            0);
  // a monitor watches every update: eager
  TrainConfig monitored = small_run(examples + "nielsen/config.toml", Dtype::Float32);
  monitored.diagnostics.monitor_every = 100;
  EXPECT_EQ(train(monitored, dir, "n.safetensors", true).summary.captured_steps, 0);
}

// --epochs 2 against --epochs 1 --save F then --epochs 2 --resume F, capture on: the resumed run's first
// update is eager, the rest replayed, and every tensor ends the same.
TEST(CapturedRun, ResumedRunEndsAsOneRunBitForBit) {
  RunDir dir;
  write_images(dir);
  for (const Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    TrainConfig config = small_run(std::string(DESCENT_SOURCE_DIR) + "/examples/nielsen/config.toml", dtype);
    const Outcome straight = train(config, dir, "straight.safetensors", true);
    config.epochs = 1;
    const Outcome first = train(config, dir, "resumed.safetensors", true);
    config.epochs = 2;
    const Outcome resumed = train(config, dir, "resumed.safetensors", true, "resumed.safetensors");
    EXPECT_EQ(straight.error + first.error + resumed.error, "");
    EXPECT_GT(resumed.summary.captured_steps, 0);
    ASSERT_EQ(resumed.summary.epochs.size(), 1u);
    EXPECT_EQ(resumed.summary.epochs[0].train_loss, straight.summary.epochs.at(1).train_loss);
    cli::testing::expect_same_checkpoint(dir.file("straight.safetensors"), dir.file("resumed.safetensors"));
  }
}

}  // namespace
}  // namespace descent::train
