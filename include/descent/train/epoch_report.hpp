#pragma once
// What a training run says after each epoch: a line in Nielsen's form on the output, and one JSON
// object per epoch in the metrics file (JSON Lines). Both depend on the task:
//   classification  Epoch 0: 9022 / 10000  (train loss 0.154302, test loss 0.081204, 0.07 s, 669118 samples/s)
//   pairs           Epoch 0: 9512 / 10000 pairs  (threshold 0.43, train loss 0.1, 0.50 s, 20000 pairs/s)
//   regression      Epoch 0: loss 0.0123  (0.01 s)
// With a validation set ([data] validation), classification adds "val loss 0.083, val 9011 / 10000"
// after the train loss, and regression "val loss 0.0125" before the seconds.
// Metrics keys: epoch, train_loss, seconds, samples_per_second, lr, then test_correct, test_total and
// test_accuracy (a fraction) for classification and pairs, threshold for pairs, test_loss for
// classification and regression; with a validation set val_loss, and for classification val_correct,
// val_total and val_accuracy.
#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>

#include "descent/train/epoch_result.hpp"
#include "descent/train/evaluator.hpp"

namespace descent::train {

// The epoch's line, ending in '\n'.
std::string epoch_line(TaskKind kind, const EpochResult& result);
// The epoch's metrics object as one line of JSON, without the '\n'.
std::string metrics_line(TaskKind kind, const EpochResult& result);

class EpochReporter {
 public:
  // Opens `metrics_path` unless it is empty: truncated for a run from epoch 0; for a resumed run
  // (`first_epoch` > 0), keeping the lines of the epochs before `first_epoch` (those of later epochs
  // came from a run the checkpoint does not hold) and appending, so the file holds the whole run once.
  // Throws IoError when it cannot, or when a line is not a metrics object with an "epoch".
  EpochReporter(TaskKind kind, std::ostream& out, const std::string& metrics_path, std::int64_t first_epoch = 0);

  // Writes the epoch's line and its metrics, flushing both, so a run watched from outside (or one that
  // is stopped) shows every finished epoch.
  void report(const EpochResult& result);

 private:
  TaskKind kind_;
  std::ostream& out_;
  std::ofstream metrics_;
};

}  // namespace descent::train
