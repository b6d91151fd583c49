#pragma once
// What one epoch of a training run measured: the training pass (loss, time, speed, the lr it began
// with) and the evaluation after it, whose fields depend on the task (train/evaluator.hpp).
#include <cstdint>

#include <vector>

#include "descent/diagnostics/finding.hpp"

namespace descent::train {

struct EpochResult {
  std::int64_t epoch = 0;
  double train_loss = 0;
  double test_loss = 0;  // regression (inline data), and classification when test_loss_measured
  std::int64_t test_correct = 0;
  std::int64_t test_total = 0;
  double seconds = 0;             // the training pass alone
  double samples_per_second = 0;  // likewise
  double lr = 0;                  // the learning rate (of the first parameter group) the epoch began with
  double threshold = 0;           // Siamese runs: the score threshold chosen on the training pairs
  // Classification: test_loss was measured beside the accuracy, as the mean of the loss over the test
  // set (regression always measures it; pairs do not).
  bool test_loss_measured = false;
  // [data] validation > 0: the held-out set's mean loss, and for classification its correct predictions.
  bool validated = false;
  double val_loss = 0;
  std::int64_t val_correct = 0;
  std::int64_t val_total = 0;
  // With [diagnostics] diagnose: the findings new in this epoch (diagnostics/finding.hpp).
  bool diagnosed = false;
  double diagnosis_seconds = 0;  // the rules' evaluation after the epoch (the samples are in `seconds`)
  std::vector<diagnostics::Finding> findings = {};
};

}  // namespace descent::train
