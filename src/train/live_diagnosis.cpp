#include "descent/train/live_diagnosis.hpp"

#include <algorithm>
#include <cmath>

#include "descent/data/data_loader.hpp"
#include "descent/diagnostics/data_inspection.hpp"
#include "descent/diagnostics/model_inspection.hpp"
#include "descent/diagnostics/optimizer_inspection.hpp"
#include "descent/train/train_loader.hpp"
#include "probe_sets.hpp"

namespace descent::train {

struct LiveDiagnosis::Probe {
  data::Dataset train;  // up to 1,000 training examples; the first 256 also probe the activations
  data::Dataset test;   // up to 1,000 test examples, for the test loss the epoch's evaluation lacks
  Tensor activations, labels;
};

LiveDiagnosis::LiveDiagnosis(const TrainConfig& config, const TrainData& data, nn::Module& model,
                             const LossFn& loss_fn, std::int64_t planned_steps, std::ostream& out)
    : config_(config), data_(data), model_(model), loss_fn_(loss_fn), out_(out), probe_(std::make_unique<Probe>()) {
  const double decay = diagnostics::optimizer_option(config.optim, "weight_decay");
  const double lr = diagnostics::optimizer_option(config.optim, "lr");
  watch_ = std::make_unique<diagnostics::TrainingWatch>(
      model, diagnostics::WatchContext{.planned_steps = planned_steps,
                                       .budget = planned_steps,
                                       .classification = data.classification,
                                       .chance = chance_accuracy(spread_rows(data.test, 1000), config.data.classes),
                                       .optimizer = config.optim.name,
                                       .lr = std::isfinite(lr) ? lr : 0.0,
                                       .weight_decay = std::isfinite(decay) ? decay : 0.0});
  probe_->train = spread_rows(data.train, 1000);
  probe_->test = spread_rows(data.test, 1000);
  const std::int64_t rows = std::min<std::int64_t>(256, probe_->train.size());
  probe_->activations = probe_->train.inputs.slice(0, rows);
  if (data.classification) probe_->labels = probe_->train.targets.slice(0, rows);
}

LiveDiagnosis::~LiveDiagnosis() = default;

void LiveDiagnosis::print(const std::vector<diagnostics::Finding>& findings) {
  for (const diagnostics::Finding& f : findings) out_ << "diagnosis: " << diagnostics::describe(f) << "\n";
  out_ << std::flush;
}

void LiveDiagnosis::start() {
  std::vector<diagnostics::Finding> found = diagnostics::inspect_inputs(data_.train.inputs);
  auto add = [&found](std::vector<diagnostics::Finding> more) {
    for (auto& f : more) found.push_back(std::move(f));
  };
  if (data_.classification)
    add(diagnostics::inspect_labels(data_.train.targets, data_.test.targets, config_.data.classes,
                                    train_loader_options(config_, data_.train.size()).shuffle));
  const auto layers = diagnostics::outline(model_);
  add(diagnostics::inspect_structure(layers, config_.loss.name));
  add(diagnostics::inspect_weights(model_, layers));
  add(diagnostics::inspect_optimizer(config_.optim));
  print(found);
  pending_ = std::move(found);
  watch_->evaluate({.step = 0, .train_loss = measure(model_, loss_fn_, probe_->train, data_.classification).loss},
                   probe_->activations, probe_->labels);
}

void LiveDiagnosis::end_epoch(std::int64_t step, EpochResult& result) {
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
  result.findings = std::move(pending_);
  pending_.clear();
  for (auto& f : found) result.findings.push_back(std::move(f));
}

}  // namespace descent::train
