#include "descent/diagnostics/training_watch.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "descent/autograd/grad_mode.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics {
namespace {

std::string num(double x) { return util::format_number(x, ".3g"); }

// Sums over the elements of contiguous floating tensors of one dtype, in double, without temporaries:
// the watch samples during training, where an allocation per tensor would show in the step time.
double dot(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) return 0;
  const Tensor x = a.contiguous(), y = b.contiguous();
  return dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    const T* q = y.data<T>();
    double s = 0;
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) s += static_cast<double>(p[i]) * static_cast<double>(q[i]);
    return s;
  });
}

double norm(const Tensor& t) { return std::sqrt(dot(t, t)); }

// |a - b| and -g . (a - b) in one pass.
std::pair<double, double> change(const Tensor& after, const Tensor& before, const Tensor& grad) {
  const Tensor x = after.contiguous(), y = before.contiguous();
  const Tensor g = grad.defined() ? grad.contiguous() : Tensor();
  return dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    const T* q = y.data<T>();
    const T* d = g.defined() ? g.template data<T>() : nullptr;
    double sq = 0, predicted = 0;
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) {
      const double delta = static_cast<double>(p[i]) - static_cast<double>(q[i]);
      sq += delta * delta;
      if (d) predicted -= static_cast<double>(d[i]) * delta;
    }
    return std::make_pair(std::sqrt(sq), predicted);
  });
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  if (to <= from) return NAN;
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to),
                         0.0) /
         static_cast<double>(to - from);
}

// The accuracy margin that sampling noise explains on an evaluation of about 1,000 examples: three
// standard deviations of a binomial proportion near chance, at least 3 points.
double accuracy_margin(double chance) { return std::max(0.03, 3 * std::sqrt(chance * (1 - chance) / 1000)); }

Finding make(std::string cause, std::string where, std::string evidence, std::string fix_text,
             std::vector<double> suggestion = {}) {
  Finding f;
  f.cause = std::move(cause);
  f.where = std::move(where);
  f.evidence = std::move(evidence);
  f.fix_text = std::move(fix_text);
  f.suggestion = std::move(suggestion);
  return f;
}

// The power of ten nearest to x, between 10 and 10,000: the factor a learning rate is moved by.
double lr_factor(double x) {
  return std::clamp(std::pow(10.0, std::round(std::log10(std::max(x, 1e-300)))), 10.0, 1e4);
}

}  // namespace

TrainingWatch::TrainingWatch(nn::Module& model, WatchContext context)
    : model_(model), context_(std::move(context)), outline_(outline(model)) {
  for (const auto& [name, p] : model.named_parameters()) {
    parameters_.push_back(p);
    if (p.dim() >= 2) weights_.emplace_back(name, p);
  }
  // About 200 samples over the budget: enough for medians, cheap next to the updates themselves.
  sample_every_ = context_.sample_every > 0 ? context_.sample_every : std::max<std::int64_t>(1, context_.budget / 200);
}

double TrainingWatch::initial_loss() const {
  if (!points_.empty() && points_.front().step == 0 && std::isfinite(points_.front().train_loss))
    return points_.front().train_loss;
  return losses_.empty() ? NAN : losses_.front();
}

double TrainingWatch::recent_loss() const {
  const std::size_t n = losses_.size();
  const std::size_t w = std::min(n, std::max<std::size_t>(5, n / 10));
  return mean(losses_, n - w, n);
}

void TrainingWatch::after_backward(std::int64_t step, double loss) {
  losses_.push_back(loss);
  if (!std::isfinite(loss)) diverged_ = true;
  if (step % sample_every_ != 0 || weights_.empty()) return;
  Sample s;
  s.step = step;
  // The copies are kept from sample to sample: one allocation per weight for the whole run.
  if (before_.size() != weights_.size()) {
    before_.clear();
    for (const auto& [name, p] : weights_) before_.push_back(Tensor::empty(p.shape(), p.dtype()));
  }
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const Tensor& p = weights_[i].second;
    s.grad.push_back(norm(p.grad()));
    s.weight.push_back(norm(p));
    if (before_[i].dtype() != p.dtype()) before_[i] = Tensor::empty(p.shape(), p.dtype());
    kernels::copy_(before_[i], p);
  }
  double total = 0;
  for (const Tensor& p : parameters_) total += dot(p.grad(), p.grad());
  s.grad_total = std::sqrt(total);
  samples_.push_back(std::move(s));
}

void TrainingWatch::after_step(std::int64_t step) {
  if (samples_.empty() || samples_.back().step != step || before_.size() != weights_.size()) return;
  Sample& s = samples_.back();
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const auto [moved, predicted] = change(weights_[i].second, before_[i], weights_[i].second.grad());
    s.update.push_back(moved);
    s.predicted += predicted;
    if (!std::isfinite(s.update.back()) || !std::isfinite(s.weight[i])) diverged_ = true;
  }
}

std::vector<ActivationStats> TrainingWatch::probe_activations(const Tensor& probe, const Tensor& labels) {
  std::vector<ActivationStats> stats;
  auto* seq = dynamic_cast<nn::Sequential*>(outlined_module(model_));
  if (!seq || !probe.defined()) return stats;
  const bool training = model_.is_training();
  model_.eval();
  seq->set_forward_hook([&](std::size_t i, const Tensor& out) {
    if (i >= outline_.size()) return;
    const LayerOutline& l = outline_[i];
    const bool sigmoid = l.describe.rfind("Sigmoid(", 0) == 0;
    if (!l.hidden) {
      // The output layer: only a sigmoid's stuck outputs, against the labels.
      if (!sigmoid || !labels.defined() || i + 1 != outline_.size() || out.dim() != 2) return;
      const std::vector<double> v = out.to_vector(), y = labels.to_vector();
      const std::int64_t n = out.shape()[0], width = out.shape()[1];
      std::int64_t stuck = 0;
      for (std::int64_t b = 0; b < n && b < static_cast<std::int64_t>(y.size()); ++b) {
        const auto k = static_cast<std::int64_t>(y[static_cast<std::size_t>(b)]);
        if (k >= 0 && k < width) stuck += v[static_cast<std::size_t>(b * width + k)] < 0.005;
      }
      ActivationStats a{l.name, l.kind};
      a.stuck = static_cast<double>(stuck) / static_cast<double>(n);
      stats.push_back(a);
      return;
    }
    if (l.kind != LayerKind::Relu && l.kind != LayerKind::Saturating) return;
    const std::vector<double> v = out.to_vector();
    const std::int64_t n = out.shape()[0];
    if (n == 0 || v.empty()) return;
    ActivationStats a{l.name, l.kind};
    if (l.kind == LayerKind::Relu) {
      // A unit is a feature (N, F) or a channel (N, C, H, W): dead when zero everywhere in the probe.
      const std::int64_t units = out.dim() >= 2 ? out.shape()[1] : 1;
      const std::int64_t inner = static_cast<std::int64_t>(v.size()) / (n * units);
      std::int64_t dead = 0;
      for (std::int64_t u = 0; u < units; ++u) {
        bool alive = false;
        for (std::int64_t b = 0; b < n && !alive; ++b)
          for (std::int64_t k = 0; k < inner && !alive; ++k)
            alive = v[static_cast<std::size_t>((b * units + u) * inner + k)] > 0;
        dead += !alive;
      }
      a.dead = static_cast<double>(dead) / static_cast<double>(units);
    } else {
      // Slope below 2% of its peak: sigmoid a(1-a) < 0.005 (a < 0.005 or > 0.995), tanh 1 - t^2 < 0.02, and
      // hardtanh at its bounds; which one follows from the output's range.
      std::int64_t flat = 0;
      for (double x : v) flat += sigmoid ? (x * (1 - x) < 0.005) : (1 - x * x < 0.02);
      a.saturated = static_cast<double>(flat) / static_cast<double>(v.size());
    }
    stats.push_back(a);
  });
  {
    NoGradGuard no_grad;
    model_.forward(probe);
  }
  seq->set_forward_hook({});
  model_.train(training);
  return stats;
}

void TrainingWatch::add(Finding f, std::int64_t step) {
  for (const Finding& known : findings_)
    if (known.cause == f.cause && known.severity == f.severity) return;
  f.step = step;
  findings_.push_back(std::move(f));
}

bool TrainingWatch::confirmed(const std::string& key, bool holds) {
  auto it = std::find_if(streaks_.begin(), streaks_.end(), [&](const auto& s) { return s.first == key; });
  if (it == streaks_.end()) it = streaks_.insert(streaks_.end(), {key, 0});
  it->second = holds ? it->second + 1 : 0;
  return it->second >= 2;
}

double TrainingWatch::median_update_ratio(std::size_t from) const {
  std::vector<double> r;
  for (std::size_t i = from; i < samples_.size(); ++i)
    for (std::size_t k = 0; k < samples_[i].update.size(); ++k)
      if (samples_[i].weight[k] > 0) r.push_back(samples_[i].update[k] / samples_[i].weight[k]);
  return median(r);
}

// The first weight's relative gradient |g| / |w| over the last one's: how much of the signal reaching
// the output layer reaches the input layer.
double TrainingWatch::median_depth_ratio(std::size_t from) const {
  std::vector<double> r;
  for (std::size_t i = from; i < samples_.size(); ++i) {
    const Sample& s = samples_[i];
    if (s.grad.size() < 2 || s.weight.front() <= 0 || s.weight.back() <= 0 || s.grad.back() <= 0) continue;
    r.push_back((s.grad.front() / s.weight.front()) / (s.grad.back() / s.weight.back()));
  }
  return median(r);
}

// The weight decay's share of the step: lr wd |w| / |update| where the decay shrinks the weights
// directly (sgd, adamw), wd |w| / |gradient| where it joins a gradient the optimizer then rescales.
double TrainingWatch::median_decay_share(std::size_t from) const {
  if (context_.weight_decay <= 0) return 0;
  const bool direct = context_.optimizer == "sgd" || context_.optimizer == "adamw";
  std::vector<double> r;
  for (std::size_t i = from; i < samples_.size(); ++i) {
    const Sample& s = samples_[i];
    double w = 0, u = 0, g = 0;
    for (std::size_t k = 0; k < s.update.size(); ++k) {
      w += s.weight[k] * s.weight[k];
      u += s.update[k] * s.update[k];
      g += s.grad[k] * s.grad[k];
    }
    // With momentum, SGD's decay term adds up in the velocity to about 1 / (1 - momentum) times itself,
    // as the gradient's does; the update is then compared with that sum.
    const double carried = context_.optimizer == "sgd" ? 1 / (1 - std::clamp(context_.momentum, 0.0, 0.99)) : 1.0;
    const double decay = context_.weight_decay * std::sqrt(w) * (direct ? context_.lr * carried : 1.0);
    const double step = direct ? std::sqrt(u) : std::sqrt(g);
    if (step > 0) r.push_back(decay / step);
  }
  return median(r);
}

double TrainingWatch::predicted_decrease(std::int64_t steps) const {
  std::vector<double> p;
  for (const Sample& s : samples_)
    if (!s.update.empty()) p.push_back(s.predicted);
  return p.empty() ? NAN : mean(p, 0, p.size()) * static_cast<double>(steps);
}

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
