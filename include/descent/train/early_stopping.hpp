#pragma once
// Watching one per-epoch metric for improvement, as Keras' EarlyStopping and ModelCheckpoint
// (save_best_only) and Lightning's EarlyStopping do: losses improve by falling, accuracies by rising
// (Keras' mode "auto"); an epoch improves on the best when its value is better by more than min_delta.
// EarlyStopping ([train] early_stopping) stops the run after `patience` epochs in a row without
// improvement; BestMetric alone decides when `descent train --save-best` writes its checkpoint.
#include <cstdint>
#include <string>
#include <string_view>

#include "descent/train/config.hpp"
#include "descent/train/epoch_result.hpp"

namespace descent::train {

// The epoch's value of `metric`: val_loss, val_accuracy (val_correct / val_total), train_loss,
// test_loss, test_accuracy (test_correct / test_total). ValueError for another name.
double metric_value(std::string_view metric, const EpochResult& result);
// True for the accuracies, which improve by rising; false for the losses.
bool metric_rises(std::string_view metric);

class BestMetric {
 public:
  explicit BestMetric(std::string metric, double min_delta = 0);

  // Takes the epoch's value; true when it improves on the best so far by more than min_delta (the
  // first finite value always does; a NaN never does).
  bool update(const EpochResult& result);

  const std::string& metric() const { return metric_; }
  bool has_best() const { return best_epoch_ >= 0; }
  double best() const { return best_; }
  std::int64_t best_epoch() const { return best_epoch_; }  // -1 before any improvement
  std::int64_t epochs_without_improvement() const { return wait_; }

  // What a checkpoint keeps, so that a resumed run counts on as the saved one would have.
  struct State {
    double best = 0;
    std::int64_t best_epoch = -1;
    std::int64_t wait = 0;
  };
  State state() const { return {best_, best_epoch_, wait_}; }
  void set_state(const State& state) {
    best_ = state.best;
    best_epoch_ = state.best_epoch;
    wait_ = state.wait;
  }

 private:
  std::string metric_;
  double min_delta_;
  bool rises_;
  double best_ = 0;
  std::int64_t best_epoch_ = -1;
  std::int64_t wait_ = 0;
};

class EarlyStopping {
 public:
  explicit EarlyStopping(const EarlyStoppingConfig& config);

  // After each epoch's evaluation: true when the metric has not improved for `patience` epochs.
  bool should_stop(const EpochResult& result);
  // Why the run stopped: "early stopping after epoch 7: val_loss has not improved by more than 0 for
  // 5 epochs; best 0.0123 at epoch 2".
  std::string message() const;
  BestMetric::State state() const { return best_.state(); }
  void set_state(const BestMetric::State& state) { best_.set_state(state); }

 private:
  EarlyStoppingConfig config_;
  BestMetric best_;
  std::int64_t last_epoch_ = -1;
};

// The metric `descent train --save-best` keeps the best checkpoint by: the early-stopping metric when
// the config sets one, else val_loss. ConfigError when that metric needs a validation set and the
// config holds out none ([data] validation = 0).
std::string save_best_metric(const TrainConfig& config);

}  // namespace descent::train
