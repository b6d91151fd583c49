#include "doctor_session.hpp"

#include "probe_sets.hpp"

#include <algorithm>
#include <cmath>

#include "descent/autograd/grad_mode.hpp"
#include "descent/data/data_loader.hpp"
#include "descent/diagnostics/optimizer_inspection.hpp"
#include "descent/diagnostics/training_watch.hpp"
#include "descent/nn/utils/clip_grad.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/train_loader.hpp"

namespace descent::train {
namespace {

bool has_problem(const std::vector<diagnostics::Finding>& findings) { return !diagnostics::is_healthy(findings); }

}  // namespace

std::int64_t planned_updates(const TrainConfig& config, const TrainData& data) {
  const data::DataLoader loader(data.train, train_loader_options(config, data.train.size()));
  return config.epochs * loader.num_batches();
}

SessionResult run_session(const TrainConfig& config, const TrainData& data, const SessionOptions& options) {
  Generator init_gen(config.seed);
  seed_dropout(config);
  auto model = build_network(config, init_gen);
  const LossFn loss_fn = build_loss(config);
  auto optimizer = build_optimizer(config, *model);
  data::DataLoader loader(data.train, train_loader_options(config, data.train.size()));
  auto scheduler = build_scheduler(config, *optimizer, loader.num_batches());
  const bool per_batch = scheduler && config.scheduler->name == "onecyclelr";
  const std::vector<Tensor> parameters = model->parameters();

  const data::Dataset train_probe = spread_rows(data.train, 1000), test_probe = spread_rows(data.test, 1000);
  const std::int64_t probe_rows = std::min<std::int64_t>(256, train_probe.size());
  const Tensor activation_probe = train_probe.inputs().slice(0, probe_rows);
  const Tensor probe_labels = data.classification ? train_probe.targets.slice(0, probe_rows) : Tensor();
  SessionResult result;
  result.planned_steps = config.epochs * loader.num_batches();
  const std::int64_t budget = std::min(options.budget, result.planned_steps);
  diagnostics::WatchContext context = watch_context(config, data, result.planned_steps, budget);
  context.known_problem = options.known_problem;
  diagnostics::TrainingWatch watch(*model, context);
  // About 40 points over the budget: a problem confirmed at two points is named within a tenth of it.
  const std::int64_t every = std::clamp<std::int64_t>(budget / 40, 5, 100);
  auto evaluate = [&](std::int64_t step) {
    const Measured train = measure(*model, loss_fn, train_probe, data.classification);
    const Measured test = measure(*model, loss_fn, test_probe, data.classification);
    result.metrics = {test.accuracy, test.loss, train.loss};
    const auto found = watch.evaluate({.step = step,
                                       .train_loss = train.loss,
                                       .train_accuracy = train.accuracy,
                                       .test_loss = test.loss,
                                       .test_accuracy = test.accuracy},
                                      activation_probe, probe_labels);
    if (options.live)
      for (const diagnostics::Finding& f : found)
        *options.live << "  step " << step << ": " << f.cause << " (" << diagnostics::severity_name(f.severity)
                      << ")\n";
  };

  evaluate(0);
  data::Batch batch;
  std::int64_t step = 0;
  loader.start_epoch();
  model->train();
  while (step < budget) {
    if (!loader.next(batch)) {
      if (scheduler && !per_batch) scheduler->step(watch.recent_loss());
      loader.start_epoch();
      continue;
    }
    optimizer->zero_grad();
    const Tensor output = model->forward(batch.inputs);
    const Tensor loss = loss_fn(output, batch.targets);
    const double value = loss.item();
    if (std::isfinite(value)) loss.backward();
    watch.after_backward(step, value);
    if (!std::isfinite(value)) {
      ++step;
      break;
    }
    if (config.clip_grad_norm > 0) nn::utils::clip_grad_norm_(parameters, config.clip_grad_norm);
    if (config.clip_grad_value > 0) nn::utils::clip_grad_value_(parameters, config.clip_grad_value);
    optimizer->step();
    if (per_batch) scheduler->step();
    watch.after_step(step);
    ++step;
    if (step % every == 0 || step == budget || watch.diverged()) {
      evaluate(step);
      const bool problem = options.known_problem || has_problem(watch.findings());
      if (watch.diverged() || (options.stop_early && problem && step >= std::min(options.min_steps, budget))) break;
    }
  }
  if (watch.diverged()) evaluate(step);
  watch.finish(step);
  result.steps_run = step;
  result.findings = watch.findings();
  const double l0 = watch.initial_loss();
  result.progress = std::isfinite(l0) && l0 != 0 ? (l0 - watch.recent_loss()) / std::abs(l0) : 0;
  return result;
}

}  // namespace descent::train
