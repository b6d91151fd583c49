#pragma once
// `descent train --diagnose` ([diagnostics] diagnose = true): the detectors of `descent doctor` during
// a whole training. Before the first update the data, model and optimizer are inspected; the epoch
// loop feeds the watch every update; after each epoch's evaluation the watch's rules run on the
// epoch's test metrics and a probe of training examples. Each finding is printed once, as it
// appears, and goes into that epoch's metrics line.
#include <memory>
#include <ostream>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/diagnostics/training_watch.hpp"
#include "descent/nn/module.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/epoch_result.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {

class LiveDiagnosis {
 public:
  // `planned_steps`: the updates the whole run makes. Keeps references to everything it is given.
  LiveDiagnosis(const TrainConfig& config, const TrainData& data, nn::Module& model, const LossFn& loss_fn,
                std::int64_t planned_steps, std::ostream& out);
  ~LiveDiagnosis();

  diagnostics::TrainingWatch& watch() { return *watch_; }
  // The inspections before training, printed.
  void start();
  // After the epoch's evaluation: the watch's rules; the new findings printed and put in `result`.
  void end_epoch(std::int64_t step, EpochResult& result);
  // The run stopped in `epoch` (TrainingDiverged): the watch's rules on the state it is in, the new
  // findings printed. Best effort: that state may hold values that are not finite.
  void stopped(std::int64_t step, std::int64_t epoch);

 private:
  struct Probe;
  void print(const std::vector<diagnostics::Finding>& findings);

  const TrainConfig& config_;
  const TrainData& data_;
  nn::Module& model_;
  const LossFn& loss_fn_;
  std::ostream& out_;
  std::unique_ptr<diagnostics::TrainingWatch> watch_;
  std::unique_ptr<Probe> probe_;
  std::vector<diagnostics::Finding> pending_;  // found before the first epoch ends
};

}  // namespace descent::train
