#include "descent/diagnostics/training_watch.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "descent/autograd/grad_mode.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "watch_helpers.hpp"

namespace descent::diagnostics {
namespace {

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

}  // namespace

using watch::mean;
using watch::median;

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

}  // namespace descent::diagnostics
