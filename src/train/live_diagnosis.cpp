#include "descent/train/live_diagnosis.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "descent/data/data_loader.hpp"
#include "descent/error.hpp"
#include "descent/train/inspect_run.hpp"
#include "descent/train/train_loader.hpp"
#include "probe_sets.hpp"

namespace descent::train {

struct LiveDiagnosis::Probe {
  // Half the doctor's probes: the epoch's own evaluation gives the test accuracy on the whole test set,
  // and the rules' share of an epoch stays small where epochs are short (W1: 0.07 s).
  data::Dataset train;  // up to 500 training examples; the first 128 also probe the activations
  data::Dataset test;   // up to 500 test examples, for the test loss the epoch's evaluation lacks
  Tensor activations, labels;
};

LiveDiagnosis::LiveDiagnosis(const TrainConfig& config, const TrainData& data, nn::Module& model, const LossFn& loss_fn,
                             std::int64_t planned_steps, std::ostream& out)
    : config_(config), data_(data), model_(model), loss_fn_(loss_fn), out_(out), probe_(std::make_unique<Probe>()) {
  // The rules run once an epoch: twenty samples an epoch give them their medians, and keep the watch's
  // share of a step small where steps are short (W1: 11 microseconds).
  pending_ = inspect_run(config, data, model);
  diagnostics::WatchContext context = watch_context(config, data, planned_steps, planned_steps);
  context.known_problem = !diagnostics::is_healthy(pending_);
  context.sample_every = std::max<std::int64_t>(1, planned_steps / std::max<std::int64_t>(config.epochs, 1) / 20);
  watch_ = std::make_unique<diagnostics::TrainingWatch>(model, context);
  probe_->train = spread_rows(data.train, 500);
  probe_->test = spread_rows(data.test, 500);
  const std::int64_t rows = std::min<std::int64_t>(128, probe_->train.size());
  probe_->activations = probe_->train.inputs().slice(0, rows);
  if (data.classification) probe_->labels = probe_->train.targets.slice(0, rows);
}

LiveDiagnosis::~LiveDiagnosis() = default;

void LiveDiagnosis::print(const std::vector<diagnostics::Finding>& findings) {
  for (const diagnostics::Finding& f : findings) out_ << "diagnosis: " << diagnostics::describe(f) << "\n";
  out_ << std::flush;
}

void LiveDiagnosis::start() {
  print(pending_);
  // The units at the start, for telling units that die in training from units born dead; the starting
  // loss is the first batch's, which saves a probe's forward where epochs are short.
  watch_->evaluate({.step = 0}, probe_->activations, probe_->labels);
}

void LiveDiagnosis::end_epoch(std::int64_t step, EpochResult& result) {
  const auto start = std::chrono::steady_clock::now();
  const Measured train = measure(model_, loss_fn_, probe_->train, data_.classification);
  const Measured test = measure(model_, loss_fn_, probe_->test, data_.classification);
  const double test_accuracy =
      result.test_total ? static_cast<double>(result.test_correct) / static_cast<double>(result.test_total) : NAN;
  std::vector<diagnostics::Finding> found = watch_->evaluate({.step = step,
                                                              .train_loss = train.loss,
                                                              .train_accuracy = train.accuracy,
                                                              .test_loss = test.loss,
                                                              .test_accuracy = test_accuracy},
                                                             probe_->activations, probe_->labels);
  print(found);
  result.diagnosed = true;
  result.diagnosis_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.findings = std::move(pending_);
  pending_.clear();
  for (auto& f : found) result.findings.push_back(std::move(f));
}

void LiveDiagnosis::stopped(std::int64_t step, std::int64_t epoch) {
  EpochResult result;
  result.epoch = epoch;
  model_.eval();
  try {
    end_epoch(step, result);
  } catch (const Error&) {  // a forward pass through weights that are not finite, under nonfinite_watch
  }
}

}  // namespace descent::train
