#pragma once
// Watching a training run for the causes of failure (diagnostics/finding.hpp): after each backward and
// each optimizer step it measures, every few updates, each weight's gradient norm and update-to-weight
// ratio; at each evaluation point it runs a probe batch through the model to measure dead ReLU units
// and saturated sigmoid/tanh units, and applies its rules to everything seen so far. The same watch
// serves `descent doctor` and `descent train --diagnose`, and a user's own loop:
//
//   diagnostics::TrainingWatch watch(model, {.planned_steps = 1000, .budget = 1000, .classification = true,
//                                            .chance = 0.1, .optimizer = "sgd", .lr = 0.1});
//   for (step = 0; step < 1000; ++step) {
//     ... loss.backward();  watch.after_backward(step, loss.item());
//     optimizer.step();     watch.after_step(step);
//     if (step % 50 == 0) for (auto& f : watch.evaluate({.step = step, ...metrics}, probe)) print(f);
//   }
//
// The rules, their thresholds and why: docs/diagnosis.md.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/diagnostics/model_inspection.hpp"
#include "descent/nn/module.hpp"

namespace descent::diagnostics {

struct WatchContext {
  std::int64_t planned_steps = 0;  // updates the whole training would make
  std::int64_t budget = 0;         // updates this watch sees at most (<= planned_steps)
  bool classification = false;     // accuracies are known (else NaN)
  double chance = 0;               // the test accuracy of always answering the most frequent class
  std::string optimizer;           // sgd, adam, ...: how weight decay enters the update
  double lr = 0;
  double weight_decay = 0;
  double momentum = 0;  // SGD's: a decay term stays in the velocity for about 1 / (1 - momentum) steps
  // Updates between two measurements of gradients and updates; 0: budget / 200 (at least 1).
  std::int64_t sample_every = 0;
  // A problem was found before training (a constant init, a wrong gradient): no_signal, a diagnosis
  // of exclusion, is then not named.
  bool known_problem = false;
};

// The metrics at an evaluation point; NaN where unknown. train_*: a fixed probe of training examples
// in eval mode, so that points compare.
struct EvalPoint {
  std::int64_t step = 0;  // updates made before it
  double train_loss = NAN, train_accuracy = NAN;
  double test_loss = NAN, test_accuracy = NAN;
};

struct ActivationStats {
  std::string layer;  // the child's name: "1"
  LayerKind kind;
  double dead = 0;       // ReLU: fraction of units (features or channels) zero for every probe example
  double saturated = 0;  // sigmoid/tanh/hardtanh: fraction of outputs where the slope is below 2% of its peak
  // A sigmoid output layer: the fraction of examples whose right class's output is saturated at zero,
  // stuck where its gradient vanishes (Nielsen's learning slowdown); NaN otherwise.
  double stuck = NAN;
};

class TrainingWatch {
 public:
  TrainingWatch(nn::Module& model, WatchContext context);

  // Every sample_every() updates the gradients and updates are measured; between, these cost a compare.
  std::int64_t sample_every() const { return sample_every_; }
  void after_backward(std::int64_t step, double loss);  // gradients in place, before clipping
  void after_step(std::int64_t step);                   // the optimizer has updated the parameters
  // Measures the probe's activations (`probe`: a batch of inputs, run in eval mode without a graph;
  // undefined: skip), records the point and applies the rules. Returns the findings new at this point.
  // `labels`: the probe's class labels when the task is classification (undefined otherwise): with a
  // sigmoid output layer, the outputs stuck at zero for the right class are counted.
  std::vector<Finding> evaluate(const EvalPoint& point, const Tensor& probe, const Tensor& labels = {});
  // At the end of the run: the rules that judge the whole run (undertrained).
  std::vector<Finding> finish(std::int64_t steps_run);

  bool diverged() const { return diverged_; }
  // Every finding so far, in the order found.
  const std::vector<Finding>& findings() const { return findings_; }
  const std::vector<ActivationStats>& last_activations() const {
    return activations_.empty() ? empty_ : activations_.back();
  }
  // The loss at the start: the mean of the first three batches' losses.
  double initial_loss() const;
  // The mean batch loss over the last tenth of the updates so far (at least five).
  double recent_loss() const;

 private:
  struct Sample {
    std::int64_t step;
    std::vector<double> grad, weight, update;  // per weight tensor (dim >= 2), in order
    double grad_total = 0;
    double predicted = 0;  // the first-order loss decrease of the step, -g . update over the weights
  };
  std::vector<ActivationStats> probe_activations(const Tensor& probe, const Tensor& labels);
  void add(Finding f, std::int64_t step);
  bool confirmed(const std::string& key, bool holds);  // holds at this point and the one before
  double median_update_ratio(std::size_t from) const;
  double median_depth_ratio(std::size_t from) const;
  double median_decay_share(std::size_t from) const;
  // The loss decrease the updates so far predict to first order: the sampled steps' mean times `steps`.
  double predicted_decrease(std::int64_t steps) const;
  void judge_divergence(std::int64_t step);

  nn::Module& model_;
  WatchContext context_;
  std::vector<LayerOutline> outline_;
  std::vector<Tensor> parameters_;
  std::vector<std::pair<std::string, Tensor>> weights_;  // the dim >= 2 parameters
  std::int64_t sample_every_ = 1;
  std::vector<double> losses_;  // every batch loss, in step order
  std::vector<Sample> samples_;
  std::vector<Tensor> before_;  // the weights before a sampled step
  std::vector<EvalPoint> points_;
  std::vector<std::vector<ActivationStats>> activations_;  // per point
  std::vector<ActivationStats> empty_;
  std::vector<std::pair<std::string, int>> streaks_;  // consecutive points a rule held
  std::vector<Finding> findings_;
  bool diverged_ = false;
  bool divergence_judged_ = false;
};

}  // namespace descent::diagnostics
