// The watch of a training run, driven by hand on tiny models: a non-finite loss and what it is blamed
// on, dead ReLU units confirmed at two evaluation points, a loss that climbs (lr_too_high), saturated
// sigmoid units, the first-order decrease a step predicts (lr_too_low), and overfitting of a regression.
#include "descent/diagnostics/training_watch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/init.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/mse_loss.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/optim/sgd.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/util/number_text.hpp"
#include "support/text.hpp"

namespace descent::diagnostics {
namespace {

using Layers = std::initializer_list<std::shared_ptr<nn::Module>>;

using descent::testing::contains;

std::vector<std::string> watch_causes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.cause);
  return out;
}

using Causes = std::vector<std::string>;

std::shared_ptr<nn::Linear> watch_linear(std::int64_t in, std::int64_t out, nn::LinearOptions options = {}) {
  Generator gen(static_cast<std::uint64_t>(in * 100 + out));
  options.generator = &gen;
  return std::make_shared<nn::Linear>(in, out, options);
}

// A regression watch: no accuracies, budget and plan of 100 updates, so that every update is sampled
// (100 / 200 < 1) and the slow-progress rules wait settle = max(20, 100 / 25) = 20 updates.
WatchContext context(double lr = 0.01) {
  return {.planned_steps = 100, .budget = 100, .classification = false, .chance = 0, .optimizer = "sgd", .lr = lr};
}

// The batch loss of a full-batch MSE regression, its gradients in place.
double backward(nn::Module& model, const Tensor& x, const Tensor& y, double scale = 1.0) {
  model.zero_grad();
  const Tensor loss = nn::mse_loss(model.forward(x), y) * scale;
  loss.backward();
  return loss.item();
}

double full_loss(nn::Module& model, const Tensor& x, const Tensor& y) {
  return nn::mse_loss(model.forward(x), y).item();
}

TEST(TrainingWatch, ANonFiniteLossWithNoHistoryIsNonfiniteAlone) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.after_backward(0, NAN);
  EXPECT_TRUE(watch.diverged());
  // No finite loss and no gradient before it: nothing upstream to blame (judge_divergence).
  const auto found = watch.evaluate({.step = 1}, Tensor());
  ASSERT_EQ(watch_causes(found), Causes{"nonfinite"});
  EXPECT_EQ(found[0].severity, Severity::Problem);
  EXPECT_EQ(found[0].step, 1);
  EXPECT_TRUE(contains(found[0].evidence, "the loss became nan at update 0")) << found[0].evidence;
  EXPECT_TRUE(watch.evaluate({.step = 2}, Tensor()).empty());  // judged once
}

TEST(TrainingWatch, ALossThatRoseBeforeItsNanIsLrTooHigh) {
  // No gradients (grad_total 0, so nothing "exploded"); the last finite loss, 2, is above 1.5 times the
  // start, 1: the steps overshot. nonfinite is added too, and order_findings puts it last.
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0}, Tensor());
  const std::vector<double> losses = {1.0, 1.1, 1.4, 2.0, NAN};
  for (std::size_t t = 0; t < losses.size(); ++t) watch.after_backward(static_cast<std::int64_t>(t), losses[t]);
  std::vector<Finding> found = watch.evaluate({.step = 5}, Tensor());
  order_findings(found);
  ASSERT_EQ(watch_causes(found), (Causes{"lr_too_high", "nonfinite"}));
  EXPECT_EQ(found[0].where, "optim.lr");
  EXPECT_EQ(found[0].suggestion, std::vector<double>{0.1});
  EXPECT_TRUE(contains(found[0].evidence, "the loss became nan at update 4 (it started at 1)")) << found[0].evidence;
}

TEST(TrainingWatch, AHugeGradientBeforeTheNanIsAnExplodingGradient) {
  // The loss times 1e6: a gradient norm far above the 1e3 at which judge_divergence calls it exploded
  // (about 1 is healthy); then the loss is infinite. lr_too_high is not named: the gradient explains it.
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::Tanh>(), watch_linear(3, 1)});
  Generator gen(4);
  const Tensor x = randn({8, 2}, Dtype::Float32, &gen), y = randn({8, 1}, Dtype::Float32, &gen);
  TrainingWatch watch(model, context());
  watch.after_backward(0, backward(model, x, y, 1e6));
  watch.after_backward(1, INFINITY);
  std::vector<Finding> found = watch.evaluate({.step = 2}, Tensor());
  order_findings(found);
  ASSERT_EQ(watch_causes(found), (Causes{"exploding_gradient", "nonfinite"}));
  EXPECT_EQ(found[0].where, "gradients");
  EXPECT_EQ(found[0].suggestion, std::vector<double>{1.0});  // clip the gradient norm to 1
}

TEST(TrainingWatch, AnInfiniteProbeLossIsADivergenceToo) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.after_backward(0, 0.5);
  EXPECT_FALSE(watch.diverged());
  const auto found = watch.evaluate({.step = 1, .train_loss = INFINITY}, Tensor());
  EXPECT_TRUE(watch.diverged());
  EXPECT_EQ(watch_causes(found), Causes{"nonfinite"});
}

// Trains `model` on (x, y) with SGD at `lr`, full batch, feeding the watch, from update `from` to `to`.
void train(nn::Module& model, TrainingWatch& watch, optim::SGD& sgd, const Tensor& x, const Tensor& y,
           std::int64_t from, std::int64_t to) {
  for (std::int64_t step = from; step < to; ++step) {
    watch.after_backward(step, backward(model, x, y));
    sgd.step();
    watch.after_step(step);
  }
}

TEST(TrainingWatch, DeadReluIsNamedAtTheSecondEvaluationWhereItHolds) {
  // The first layer's bias at -100 puts every pre-activation near -100 (inputs N(0, 1), weights in
  // +-1/sqrt(3)): all six units output zero for every probe example, from the start.
  auto first = watch_linear(3, 6);
  nn::init::constant_(first->bias(), -100.0);
  nn::Sequential model({first, std::make_shared<nn::ReLU>(), watch_linear(6, 1)});
  Generator gen(7);
  const Tensor x = randn({32, 3}, Dtype::Float32, &gen), y = randn({32, 1}, Dtype::Float32, &gen);
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  TrainingWatch watch(model, context());
  EXPECT_TRUE(watch.evaluate({.step = 0, .train_loss = full_loss(model, x, y)}, x).empty());  // step 0: measures only
  ASSERT_EQ(watch.last_activations().size(), 1u);
  EXPECT_EQ(watch.last_activations()[0].layer, "1");
  EXPECT_EQ(watch.last_activations()[0].kind, LayerKind::Relu);
  EXPECT_EQ(watch.last_activations()[0].dead, 1.0);
  train(model, watch, sgd, x, y, 0, 10);
  // One point where 100% >= 70% (AUTOTRAINER's threshold) holds: not yet confirmed.
  EXPECT_TRUE(watch.evaluate({.step = 10, .train_loss = full_loss(model, x, y)}, x).empty());
  train(model, watch, sgd, x, y, 10, 20);
  const auto found = watch.evaluate({.step = 20, .train_loss = full_loss(model, x, y)}, x);
  // Dead from the start (100% at step 0): the units were born dead, not killed by the lr, so no
  // lr_too_high; and dead units explain the small steps, so no lr_too_low either.
  ASSERT_EQ(watch_causes(found), Causes{"dead_relu"});
  EXPECT_EQ(found[0].where, "1");
  EXPECT_EQ(found[0].step, 20);
  EXPECT_TRUE(contains(found[0].evidence, "100% of the ReLU units after layer 1 output zero for every probe example"))
      << found[0].evidence;
  EXPECT_TRUE(contains(found[0].evidence, "; 100% at the start")) << found[0].evidence;
}

TEST(TrainingWatch, LiveReluUnitsAreNotDead) {
  nn::Sequential model({watch_linear(3, 6), std::make_shared<nn::ReLU>(), watch_linear(6, 1)});
  Generator gen(7);
  const Tensor x = randn({32, 3}, Dtype::Float32, &gen), y = randn({32, 1}, Dtype::Float32, &gen);
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = full_loss(model, x, y)}, x);
  for (std::int64_t s = 10; s <= 20; s += 10) {
    train(model, watch, sgd, x, y, s - 10, s);
    watch.evaluate({.step = s, .train_loss = full_loss(model, x, y)}, x);
  }
  EXPECT_LT(watch.last_activations().at(0).dead, 0.7);
  for (const Finding& f : watch.findings()) EXPECT_NE(f.cause, "dead_relu") << describe(f);
}

// Feeds `losses` as the batch losses of updates from..., without gradients (the loss rules read only
// the numbers).
void feed(TrainingWatch& watch, std::int64_t from, const std::vector<double>& losses) {
  for (std::size_t t = 0; t < losses.size(); ++t) watch.after_backward(from + static_cast<std::int64_t>(t), losses[t]);
}

TEST(TrainingWatch, ALossAboveThreeTimesItsStartIsLrTooHigh) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0}, Tensor());
  // 1 + 0.35 t for t = 0..9: the mean of the last five (the recent loss: a tenth of the updates, at
  // least five) is 1 + 0.35 x 7 = 3.45 > 3 x 1: named at once, without waiting for a second point.
  std::vector<double> losses;
  for (int t = 0; t < 10; ++t) losses.push_back(1 + 0.35 * t);
  feed(watch, 0, losses);
  const auto found = watch.evaluate({.step = 10, .train_loss = 3.5}, Tensor());
  ASSERT_EQ(watch_causes(found), Causes{"lr_too_high"});
  EXPECT_EQ(found[0].where, "optim.lr");
  EXPECT_EQ(found[0].severity, Severity::Problem);
  EXPECT_EQ(found[0].suggestion, std::vector<double>{0.1});
  EXPECT_TRUE(contains(found[0].evidence, "the mean loss of the last updates is 3.45, above its start 1"))
      << found[0].evidence;
}

TEST(TrainingWatch, ALossBetweenOneAndAHalfAndThreeTimesItsStartNeedsTwoPoints) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0}, Tensor());
  feed(watch, 0, std::vector<double>(10, 2.0));  // 2 > 1.5 x 1, but < 3 x 1
  EXPECT_TRUE(watch.evaluate({.step = 10, .train_loss = 2.0}, Tensor()).empty());
  feed(watch, 10, std::vector<double>(10, 2.0));
  EXPECT_EQ(watch_causes(watch.evaluate({.step = 20, .train_loss = 2.0}, Tensor())), Causes{"lr_too_high"});
}

TEST(TrainingWatch, AFallingLossIsNotLrTooHigh) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0}, Tensor());
  std::vector<double> losses;
  for (int t = 0; t < 10; ++t) losses.push_back(1.0 / (1 + t));
  feed(watch, 0, losses);
  EXPECT_TRUE(watch.evaluate({.step = 10, .train_loss = 0.1}, Tensor()).empty());
}

// Evaluation points of a regression at steps 10, 20, 30 with these training-probe and test losses,
// after a start of 1 and batch losses falling to 0.1 (the training set is learned: recent < 0.8 x 1).
std::vector<Finding> regression_points(const std::vector<std::pair<double, double>>& train_test) {
  nn::Sequential model({watch_linear(2, 3), std::make_shared<nn::ReLU>(), watch_linear(3, 1)});
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0, .test_loss = 1.0}, Tensor());
  for (std::size_t i = 0; i < train_test.size(); ++i) {
    feed(watch, static_cast<std::int64_t>(10 * i), std::vector<double>(10, 0.1));
    watch.evaluate({.step = static_cast<std::int64_t>(10 * (i + 1)),
                    .train_loss = train_test[i].first,
                    .test_loss = train_test[i].second},
                   Tensor());
  }
  return watch.findings();
}

TEST(TrainingWatch, RegressionOverfittingIsATestLossRisingAboveTheTrainingLoss) {
  // The test loss climbs from its best, 0.2, past 1.2 x 0.2 at two points in a row, well above the
  // training loss: overfitting, named at the second.
  const auto found = regression_points({{0.1, 0.2}, {0.05, 0.3}, {0.05, 0.35}});
  ASSERT_EQ(watch_causes(found), Causes{"overfitting"});
  EXPECT_EQ(found[0].step, 30);
  EXPECT_TRUE(contains(found[0].evidence, "the test loss rose from 0.2 to 0.35")) << found[0].evidence;
  // Both sets one (inline data trains and tests on the same examples): a loss wandering up by 50% near
  // its floor is noise, not a gap between training and test.
  EXPECT_TRUE(regression_points({{0.1, 0.1}, {0.13, 0.13}, {0.15, 0.15}}).empty());
}

// The fraction of the sigmoid outputs of sigmoid(x W^T + b) whose slope s (1 - s) is below 0.005 (2%
// of its peak 0.25), computed here in double from the layer's own weights.
double saturated_fraction(const nn::Linear& layer, const Tensor& x) {
  const std::vector<double> w = layer.weight().to_vector(), b = layer.bias().to_vector(), in = x.to_vector();
  const std::size_t out = b.size(), features = w.size() / out, rows = in.size() / features;
  std::size_t flat = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t o = 0; o < out; ++o) {
      double z = b[o];
      for (std::size_t k = 0; k < features; ++k) z += in[r * features + k] * w[o * features + k];
      const double s = 1 / (1 + std::exp(-z));
      flat += s * (1 - s) < 0.005;
    }
  return static_cast<double>(flat) / static_cast<double>(rows * out);
}

TEST(TrainingWatch, HugeWeightsSaturateASigmoidHiddenLayer) {
  // Weights N(0, 50^2) on 4 inputs N(0, 1): pre-activations of standard deviation about 100, and the
  // slope is below 2% of its peak beyond |z| = 5.3, so about 96% of the outputs are saturated.
  Generator gen(9);
  auto first = watch_linear(4, 8);
  nn::init::normal_(first->weight(), 0.0, 50.0, &gen);
  nn::Sequential model({first, std::make_shared<nn::Sigmoid>(), watch_linear(8, 1)});
  const Tensor probe = randn({64, 4}, Dtype::Float32, &gen);
  TrainingWatch watch(model, context());
  watch.evaluate({.step = 0, .train_loss = 1.0}, probe);
  ASSERT_EQ(watch.last_activations().size(), 1u);
  const ActivationStats& a = watch.last_activations()[0];
  EXPECT_EQ(a.layer, "1");
  EXPECT_EQ(a.kind, LayerKind::Saturating);
  const double expected = saturated_fraction(*first, probe);
  EXPECT_GT(expected, 0.9);
  EXPECT_NEAR(a.saturated, expected, 1.0 / 512);  // at most one of the 512 outputs on the other side in float32
  EXPECT_TRUE(std::isnan(a.stuck));               // a hidden layer: no labels to be stuck against
  // PyTorch's default init: pre-activations within about +-2, none saturated.
  nn::Sequential mild({watch_linear(4, 8), std::make_shared<nn::Sigmoid>(), watch_linear(8, 1)});
  TrainingWatch calm(mild, context());
  calm.evaluate({.step = 0, .train_loss = 1.0}, probe);
  EXPECT_EQ(calm.last_activations().at(0).saturated, 0.0);
}

// Linear regression y = x . (1, -2, 0.5) with one float64 weight (3 -> 1, no bias) and MSE: an SGD step
// moves the weight by -lr g, so the watch's first-order decrease -g . update is lr |g|^2 per step.
struct Regression {
  std::shared_ptr<nn::Linear> layer = watch_linear(3, 1, {.bias = false, .dtype = Dtype::Float64});
  nn::Sequential model{layer};
  Tensor x, y;
  Regression() {
    Generator gen(12);
    x = randn({32, 3}, Dtype::Float64, &gen);
    std::vector<double> targets;
    const std::vector<double> in = x.to_vector();
    for (std::size_t r = 0; r < 32; ++r) targets.push_back(in[3 * r] - 2 * in[3 * r + 1] + 0.5 * in[3 * r + 2]);
    y = from_vector(targets, {32, 1}, Dtype::Float64);
  }
  double grad_squared() const {
    double sum = 0;
    for (double g : layer->weight().grad().to_vector()) sum += g * g;
    return sum;
  }
};

TEST(TrainingWatch, StepsTooSmallToMatterAreLrTooLowWithTheirPredictedDecrease) {
  Regression r;
  const double lr = 1e-5;
  optim::SGD sgd(r.model.named_parameters(), {.lr = lr});
  TrainingWatch watch(r.model, context(lr));
  watch.evaluate({.step = 0, .train_loss = full_loss(r.model, r.x, r.y)}, r.x);
  double predicted = 0;  // sum over the updates of lr |g_t|^2
  std::vector<Finding> found;
  for (std::int64_t step = 0; step < 40; ++step) {
    watch.after_backward(step, backward(r.model, r.x, r.y));
    predicted += lr * r.grad_squared();
    sgd.step();
    watch.after_step(step);
    if ((step + 1) % 20 == 0)
      found = watch.evaluate({.step = step + 1, .train_loss = full_loss(r.model, r.x, r.y)}, r.x);
  }
  // Confirmed at the two points from settle on (20 and 40): the 40 updates predict, in all, a decrease
  // of (the mean of lr |g_t|^2) x 40, far below a quarter of the starting loss.
  ASSERT_EQ(watch_causes(found), Causes{"lr_too_low"});
  EXPECT_EQ(found[0].where, "optim.lr");
  EXPECT_EQ(found[0].step, 40);
  EXPECT_TRUE(contains(found[0].evidence, "in 40 updates the loss fell")) << found[0].evidence;
  EXPECT_TRUE(contains(found[0].evidence, "predict a decrease of " + util::format_number(predicted, ".3g") + " in all"))
      << found[0].evidence << " (expected " << predicted << ")";
  ASSERT_EQ(found[0].suggestion.size(), 1u);
  EXPECT_GE(found[0].suggestion[0], 10);  // a factor of ten or more on the lr
}

TEST(TrainingWatch, AWorkingLrIsNotLrTooLow) {
  // lr 0.1 on a Hessian 2 x^T x / 32 near 2 I: the loss falls by about 1 - (1 - 0.2)^2 = 36% per update.
  Regression r;
  optim::SGD sgd(r.model.named_parameters(), {.lr = 0.1});
  TrainingWatch watch(r.model, context(0.1));
  watch.evaluate({.step = 0, .train_loss = full_loss(r.model, r.x, r.y)}, r.x);
  for (std::int64_t s = 20; s <= 40; s += 20) {
    train(r.model, watch, sgd, r.x, r.y, s - 20, s);
    watch.evaluate({.step = s, .train_loss = full_loss(r.model, r.x, r.y)}, r.x);
  }
  EXPECT_TRUE(watch.findings().empty()) << describe(watch.findings().front());
  EXPECT_LT(watch.recent_loss(), 1e-3 * watch.initial_loss());
}

}  // namespace
}  // namespace descent::diagnostics
