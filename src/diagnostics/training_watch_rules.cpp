// The rules of the training watch (docs/diagnosis.md): what it concludes at each evaluation point
// and at the end of a run, from what training_watch.cpp has measured.
#include <algorithm>
#include <cmath>

#include "descent/diagnostics/training_watch.hpp"
#include "watch_helpers.hpp"

namespace descent::diagnostics {

using watch::accuracy_margin;
using watch::lr_factor;
using watch::make;
using watch::mean;
using watch::num;

void TrainingWatch::judge_divergence(std::int64_t step) {
  if (divergence_judged_) return;
  divergence_judged_ = true;
  const double l0 = initial_loss();
  double last_finite = NAN, peak_ratio = 0;
  for (double l : losses_)
    if (std::isfinite(l)) last_finite = l;
  for (const Sample& s : samples_)
    for (std::size_t k = 0; k < s.update.size(); ++k)
      if (s.weight[k] > 0 && std::isfinite(s.update[k])) peak_ratio = std::max(peak_ratio, s.update[k] / s.weight[k]);
  const double growth = samples_.size() >= 2 && samples_.front().grad_total > 0
                            ? samples_.back().grad_total / samples_.front().grad_total
                            : 1.0;
  const std::string what = "the loss became " + num(losses_.empty() ? NAN : losses_.back()) + " at update " +
                           std::to_string(losses_.size() - 1) + " (it started at " + num(l0) + ")";
  const bool exploded = growth > 100 || (!samples_.empty() && samples_.front().grad_total > 1e3);
  if (!exploded && (peak_ratio > 0.1 || (std::isfinite(last_finite) && last_finite > 1.5 * l0)))
    add(make("lr_too_high", "optim.lr",
             what + "; before that the updates reached " + num(peak_ratio) +
                 " of the weights' norm in one step (about 1e-3 is healthy)",
             "a learning rate 10 times smaller", {0.1}),
        step);
  if (exploded)
    add(make("exploding_gradient", "gradients",
             what + "; the gradient norm was " + num(samples_.front().grad_total) + " at the start and grew " +
                 num(growth) + " times",
             "clip the gradient norm to 1 (or a smaller init)", {1.0}),
        step);
  add(make("nonfinite", "loss", what + "; no cause upstream of it was found",
           "set [diagnostics] nonfinite_watch = true to find the op where it first appears"),
      step);
}

std::vector<Finding> TrainingWatch::evaluate(const EvalPoint& point, const Tensor& probe, const Tensor& labels) {
  const std::size_t known = findings_.size();
  const std::int64_t s = point.step;
  if (diverged_ || std::isinf(point.train_loss)) {
    diverged_ = true;
    judge_divergence(s);
    return {findings_.begin() + static_cast<std::ptrdiff_t>(known), findings_.end()};
  }
  points_.push_back(point);
  activations_.push_back(probe_activations(probe, labels));
  const std::vector<ActivationStats>& acts = activations_.back();
  if (losses_.empty() || s == 0) return {};

  const double l0 = initial_loss(), recent = recent_loss();
  const double progress = (l0 - recent) / std::abs(l0);  // the fraction of the starting loss gone
  const std::size_t half = samples_.size() / 2;
  const double ratio = median_update_ratio(half);
  // Early in the budget a slow start is normal: rules about slow progress wait for this many updates.
  const std::int64_t settle = std::max<std::int64_t>(20, context_.budget / 25);

  // The loss climbs: steps overshoot (unless gradients explode, which the rule below names).
  const double depth = median_depth_ratio(half);
  const double growth = !samples_.empty() && samples_.front().grad_total > 0
                            ? samples_.back().grad_total / samples_.front().grad_total
                            : 1.0;
  // A gradient norm above 100 at the start: losses averaged over the batch (the default reduction) give
  // about 1 in healthy models (0.05 to 2 over the suite's healthy configs).
  const double g0 = samples_.empty() ? 0.0 : samples_.front().grad_total;
  const bool exploding = depth > 1e3 || growth > 1e3 || g0 > 100;
  const double peak = *std::max_element(losses_.begin(), losses_.end());
  if (!exploding && peak > 3 * l0 && progress < 0.1 && recent <= 1.5 * l0)
    add(make("lr_too_high", "optim.lr",
             "the batch loss spiked to " + num(peak) + ", " + num(peak / l0) + " times its start " + num(l0) +
                 ": a step overshot (the loss is back at " + num(recent) + ", often with units it killed)",
             "a learning rate 10 times smaller", {0.1}),
        s);
  if (!exploding && (confirmed("rising", recent > 1.5 * l0) || recent > 3 * l0))
    add(make("lr_too_high", "optim.lr",
             "the mean loss of the last updates is " + num(recent) + ", above its start " + num(l0) +
                 "; updates move the weights by " + num(ratio) + " of their norm per step (about 1e-3 is healthy)",
             "a learning rate 10 times smaller", {0.1}),
        s);
  // Oscillation without progress: the loss swings widely around a level it does not leave.
  if (s >= settle && progress < 0.1 && ratio > 1e-2) {
    std::vector<double> tail(losses_.end() - std::min<std::ptrdiff_t>(50, static_cast<std::ptrdiff_t>(losses_.size())),
                             losses_.end());
    const double m = mean(tail, 0, tail.size());
    double var = 0;
    for (double l : tail) var += (l - m) * (l - m);
    const double cv = std::sqrt(var / static_cast<double>(tail.size())) / std::abs(m);
    if (confirmed("oscillating", cv > 0.5))
      add(make("lr_too_high", "optim.lr",
               "the loss swings (coefficient of variation " + num(cv) + " over the last updates) and has fallen only " +
                   num(100 * progress) + "% from " + num(l0) + "; updates move the weights by " + num(ratio) +
                   " of their norm per step",
               "a learning rate 10 times smaller", {0.1}),
          s);
  }
  // Gradients grow toward the input, or over time.
  if (!samples_.empty() && samples_.front().grad_total > 0) {
    if (confirmed("exploding", exploding) || g0 > 100)
      add(make("exploding_gradient", weights_.empty() ? "gradients" : weights_.front().first,
               "the gradient norm was " + num(g0) + " at the start (about 1 is healthy), grew " + num(growth) +
                   " times since, and the first layer's relative gradient is " + num(depth) + " times the last layer's",
               "clip the gradient norm to 1 (or a smaller init)", {1.0}),
          s);
  }
  if (s >= settle && progress < 0.3 && confirmed("vanishing", depth < 1e-3))
    add(make("vanishing_gradient", weights_.empty() ? "gradients" : weights_.front().first,
             "the first layer's relative gradient |g|/|w| is " + num(depth) +
                 " times the last layer's (AUTOTRAINER's threshold: 1e-3): the early layers barely learn; the loss "
                 "fell " +
                 num(100 * progress) + "%",
             "relu activations (or batch normalization, or a shallower model)"),
        s);
  // Units: dead ReLUs, saturated sigmoids. `stalled`: the loss's relative fall over the second half so far.
  const double halfway = mean(losses_, losses_.size() / 2, std::min(losses_.size(), losses_.size() / 2 + 10));
  const double stalled = (halfway - recent) / std::abs(halfway);
  for (const ActivationStats& a : acts) {
    if (a.kind == LayerKind::Relu && confirmed("dead" + a.layer, a.dead >= 0.7)) {
      const double at_start = activations_.front().empty() ? 0 : activations_.front().front().dead;
      add(make("dead_relu", a.layer,
               num(100 * a.dead) + "% of the ReLU units after layer " + a.layer +
                   " output zero for every probe example (AUTOTRAINER's threshold: 70%); " + num(100 * at_start) +
                   "% at the start",
               "a bias init of zero or PyTorch's default, a smaller learning rate, or leaky_relu"),
          s);
      if (at_start < 0.5 && ratio > 1e-2)
        add(make("lr_too_high", "optim.lr",
                 "the ReLU units after layer " + a.layer + " died during training (" + num(100 * at_start) + "% to " +
                     num(100 * a.dead) + "%) under updates of " + num(ratio) + " of the weights' norm per step",
                 "a learning rate 10 times smaller", {0.1}),
            s);
    }
    if (a.kind == LayerKind::Saturating && std::isnan(a.stuck) && s >= std::max(settle, context_.budget / 2) &&
        confirmed("saturated" + a.layer, a.saturated >= 0.5 && stalled < 0.15))
      add(make("saturation", a.layer,
               num(100 * a.saturated) + "% of the outputs of layer " + a.layer +
                   " sit on the flat ends of the curve (slope below 2% of its peak), and the loss fell only " +
                   num(100 * stalled) + "% over the last half of the updates: their gradients vanish",
               "a smaller init (xavier for sigmoid and tanh), or relu"),
          s);
    if (!std::isnan(a.stuck) && s >= settle && confirmed("stuck" + a.layer, a.stuck >= 0.4))
      add(make("saturation", a.layer,
               "for " + num(100 * a.stuck) + "% of the probe examples the sigmoid output of the right class is below " +
                   "0.005, saturated where its slope vanishes, so the loss barely pulls it up (the learning slowdown "
                   "of a saturated sigmoid output)",
               "a smaller init (xavier for sigmoid), or cross_entropy on raw outputs"),
          s);
  }
  // Weight decay that outweighs the loss's pull.
  const double decay = median_decay_share(half);
  if (s >= settle && progress < 0.5 && confirmed("decay", decay > 0.5))
    add(make("over_regularization", "optim.weight_decay",
             "the weight decay makes " + num(100 * std::min(decay, 1.0)) +
                 "% or more of each step against the loss's gradient, and the loss fell only " + num(100 * progress) +
                 "%",
             "a weight decay 100 times smaller, or none", {0.01}),
        s);
  // Steps too small to matter: even to first order they could not remove a quarter of the loss.
  const double predicted = predicted_decrease(s);
  bool units_dead = false;
  for (const ActivationStats& a : acts) units_dead = units_dead || (a.kind == LayerKind::Relu && a.dead >= 0.7);
  const bool explained = units_dead || (std::isfinite(depth) && depth < 1e-3);
  // Both measures must agree: updates a tenth of the healthy 1e-3 of the weights, and a first-order
  // prediction too small to matter. Small predictions with updates of healthy size belong to a problem
  // whose gradients are small by nature, or carry no signal (below).
  if (s >= settle && progress < 0.2 && !explained &&
      confirmed("small_steps", predicted < 0.25 * std::abs(l0) && ratio < 1e-4))
    add(make("lr_too_low", "optim.lr",
             "in " + std::to_string(s) + " updates the loss fell " + num(100 * progress) + "%; the updates, " +
                 num(ratio) + " of the weights' norm per step, predict a decrease of " + num(predicted) +
                 " in all (first order, -g . update), against a loss of " + num(l0) + ": the steps are too small",
             "a larger learning rate",
             {lr_factor(
                 std::max(1e-3 / ratio, 10 * std::abs(l0) * static_cast<double>(s) /
                                            (std::max(predicted, 1e-300) * static_cast<double>(context_.budget))))}),
        s);
  // Labels: accuracy against chance on the probe of training examples and on the test set.
  if (context_.classification && std::isfinite(point.test_accuracy)) {
    const double margin = accuracy_margin(context_.chance);
    bool ever_above = false;
    for (const EvalPoint& p : points_) ever_above = ever_above || p.test_accuracy > context_.chance + margin;
    if (confirmed("below_chance", point.test_accuracy < context_.chance - margin &&
                                      point.train_accuracy > context_.chance + 2 * margin))
      add(make("label_mismatch", "data",
               "training accuracy " + num(100 * point.train_accuracy) + "% but test accuracy " +
                   num(100 * point.test_accuracy) + "%, below the " + num(100 * context_.chance) +
                   "% of always answering the most frequent class: the test labels follow another mapping",
               "check that the test labels use the training set's class numbering"),
          s);
    // The diagnosis of exclusion: the mechanics look healthy (no other problem, updates of at least a
    // tenth of the healthy size), yet the training loss keeps under 10% of its start off and the
    // held-out loss never improves 5%: each batch's gradient undoes the last one's.
    double best = INFINITY;
    for (const EvalPoint& p : points_) best = std::min(best, p.test_loss);
    if (s >= settle && ratio >= 1e-4 && progress < 0.1 && recent <= 1.2 * l0 && is_healthy(findings_) &&
        !context_.known_problem &&
        confirmed("no_signal", best >= 0.95 * l0 && point.train_accuracy < context_.chance + 0.3))
      add(make("no_signal", "data",
               "after " + std::to_string(s) + " updates of " + num(ratio) +
                   " of the weights' norm each (a healthy size), the test loss never fell below " + num(best) +
                   " (it started at " + num(l0) + "), the test accuracy is " + num(100 * point.test_accuracy) +
                   "% against " + num(100 * context_.chance) + "% by chance, and the training loss fell " +
                   num(100 * progress) + "%: the labels carry nothing the inputs predict",
               "check that labels and inputs are paired correctly"),
          s);
    // Generalisation: the test loss climbs from its best while the training set is learned.
    double best_test = INFINITY;
    for (const EvalPoint& p : points_) best_test = std::min(best_test, p.test_loss);
    if (confirmed("overfitting",
                  point.train_accuracy - point.test_accuracy > 0.1 && point.test_loss > 1.2 * best_test && ever_above))
      add(make("overfitting", "data",
               "training accuracy " + num(100 * point.train_accuracy) + "% against test accuracy " +
                   num(100 * point.test_accuracy) + "%, and the test loss rose from " + num(best_test) + " to " +
                   num(point.test_loss),
               "more training data, weight decay or dropout, or stop at the best test loss"),
          s);
  } else if (std::isfinite(point.test_loss)) {
    double best_test = INFINITY;
    for (const EvalPoint& p : points_) best_test = std::min(best_test, p.test_loss);
    // A gap, as the accuracy rule asks: the test loss above the training probe's. Without it a loss that
    // wanders near its floor (a 20% rise of 2e-4) reads as overfitting, even where both sets are one.
    if (confirmed("overfitting", point.test_loss > 1.2 * best_test && recent < 0.8 * l0 &&
                                     (std::isnan(point.train_loss) || point.test_loss > 1.2 * point.train_loss)))
      add(make("overfitting", "data",
               "the test loss rose from " + num(best_test) + " to " + num(point.test_loss) +
                   " while the training loss fell to " + num(recent),
               "more training data, weight decay or dropout, or stop at the best test loss"),
          s);
  }
  return {findings_.begin() + static_cast<std::ptrdiff_t>(known), findings_.end()};
}

std::vector<Finding> TrainingWatch::finish(std::int64_t steps_run) {
  const std::size_t known = findings_.size();
  if (diverged_) {
    judge_divergence(steps_run);
  } else if (steps_run >= context_.planned_steps && losses_.size() >= 4) {
    // The whole plan ran: is the loss still near its start and falling steeply?
    const double l0 = initial_loss();
    const std::size_t n = losses_.size(), q = std::max<std::size_t>(1, n / 4);
    const double before = mean(losses_, n - 2 * q, n - q), last = mean(losses_, n - q, n);
    // Falling steeply (5% of the start in the last quarter), or, in a plan too short for the other
    // rules to settle in (under 100 updates: full-batch descent for a few epochs), below its start.
    const double fall = (before - last) / std::abs(l0);
    if ((l0 - last) / std::abs(l0) < 0.5 && (fall > 0.05 || (steps_run < 100 && last < l0)))
      add(make("undertrained", "train.epochs",
               "the whole plan is " + std::to_string(steps_run) + " updates; the loss went from " + num(l0) + " to " +
                   num(last) + " and fell " + num(100 * (before - last) / std::abs(l0)) +
                   "% of its start in the last quarter alone: it stops while still falling steeply",
               "more updates: smaller batches or more epochs", {10.0}),
          steps_run);
  }
  return {findings_.begin() + static_cast<std::ptrdiff_t>(known), findings_.end()};
}

}  // namespace descent::diagnostics
