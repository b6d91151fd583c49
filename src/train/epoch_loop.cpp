#include "epoch_loop.hpp"

#include <chrono>
#include <cmath>

#include "descent/autograd/anomaly.hpp"
#include "descent/distributed/agreement.hpp"
#include "descent/distributed/batch_shard.hpp"
#include "descent/nn/utils/clip_grad.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/train/data_parallel.hpp"
#include "descent/train/progress.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {

EpochLoop::EpochLoop(EpochLoopParts parts, std::ostream& out, bool progress, std::int64_t first_step,
                     std::string last_checkpoint)
    : parts_(parts),
      out_(out),
      progress_(progress),
      monitoring_(parts.config.diagnostics.monitor_every > 0 || parts.config.diagnostics.loss_window > 0),
      schedule_per_batch_(parts.scheduler && parts.config.scheduler->name == "onecyclelr"),
      parameters_(parts.model.parameters()),
      step_(first_step),
      last_checkpoint_(std::move(last_checkpoint)),
      capturing_(capture_wanted(parts.config) && !parts.recorder && !parts.tracing && !parts.watch && !monitoring_ &&
                 !parts.config.diagnostics.nonfinite_watch) {}

EpochResult EpochLoop::train_epoch(data::DataLoader& loader, std::int64_t epoch, const EpochPosition* resume) {
  EpochPosition at = resume ? *resume : EpochPosition{.lr = parts_.optimizer.lr()};
  EpochResult r;
  r.epoch = epoch;
  r.lr = at.lr;
  parts_.model.train();
  ProgressBar bar(out_, progress_, loader.num_batches(), epoch);
  if (!resume) loader.start_epoch();
  stopped_ = false;
  const double seconds_before = at.seconds;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (loader.next(batch_)) {
    const double loss = update(epoch);
    const std::int64_t n = batch_.inputs.shape()[0];
    at.loss_sum += loss * static_cast<double>(n);
    at.samples += n;
    bar.update(++at.batches, at.loss_sum / static_cast<double>(at.samples));
    if (after_update_) {
      at.seconds = seconds();
      if (!after_update_(epoch, at)) {
        stopped_ = true;
        break;
      }
    }
  }
  r.seconds = seconds();
  bar.finish();
  r.train_loss = at.samples ? at.loss_sum / static_cast<double>(at.samples) : 0.0;
  r.samples_per_second = r.seconds > 0 ? static_cast<double>(at.samples) / r.seconds : 0.0;
  return r;
}

double EpochLoop::update(std::int64_t epoch) {
  const TrainConfig& config = parts_.config;
  optim::Optimizer& optimizer = parts_.optimizer;
  const double lr = optimizer.lr();
  optimizer.zero_grad();
  Tensor output;
  double value = 0;
  try {
    value = forward_backward(output, [&](double loss) {
      if (!std::isfinite(loss))
        throw diverged(epoch, lr,
                       "the loss is " + util::format_number(loss, "g") +
                           (config.diagnostics.nonfinite_watch
                                ? ""
                                : "; set [diagnostics] nonfinite_watch = true to find the op where it first appears"));
      check_divergence(epoch, lr, loss);
    });
  } catch (const NonFiniteError& e) {
    throw diverged(epoch, lr, e.what());
  }
  record(output, value);
  if (parts_.watch) parts_.watch->after_backward(step_, value);
  if (monitoring_) parts_.monitor.before_update(step_);
  if (config.clip_grad_norm > 0) nn::utils::clip_grad_norm_(parameters_, config.clip_grad_norm);
  if (config.clip_grad_value > 0) nn::utils::clip_grad_value_(parameters_, config.clip_grad_value);
  optimizer.step();
  if (schedule_per_batch_) parts_.scheduler->step();
  if (monitoring_) parts_.monitor.after_update(step_, value);
  if (parts_.watch) parts_.watch->after_step(step_);
  ++step_;
  return value;
}

double EpochLoop::forward_backward(Tensor& output, const std::function<void(double)>& check) {
  if (!parallel()) {
    if (CapturedStep* plan = plan_for(batch_.inputs, batch_.targets)) {
      // Nothing reads a gradient before the step but clipping: without it, plain SGD's updates are
      // made in the products that make the weights' gradients (CapturedStep::run).
      const bool fuse = parts_.config.clip_grad_norm <= 0 && parts_.config.clip_grad_value <= 0;
      const double value =
          plan->run(batch_.inputs, batch_.targets, check, output, 1.0, fuse ? &parts_.optimizer : nullptr);
      ++captured_steps_;
      return value;
    }
    output = parts_.model.forward(batch_.inputs);
    const Tensor loss = parts_.loss_fn(output, batch_.targets);
    const double value = loss.item();
    check(value);
    loss.backward();
    capture(batch_.inputs, batch_.targets);
    return value;
  }
  distributed::Communicator& comm = *parts_.comm;
  distributed::BatchShard shard = distributed::shard_of(batch_.inputs.shape()[0], comm.rank(), comm.size());
  shard.group = &comm;
  const distributed::BatchShardGuard in_shard(shard);
  const double weight = shard_loss_weight(parts_.config, batch_.targets, shard);
  double sums[2] = {0, 0};  // the batch's loss, and how many ranks were asked to stop
  {
    const distributed::SoloStretch solo;  // one rank's shard alone may fail here
    const Tensor inputs = batch_.inputs.view_narrowed(shard.begin, shard.size);
    const Tensor targets = batch_.targets.view_narrowed(shard.begin, shard.size);
    sums[1] = parts_.stop && *parts_.stop != 0 ? 1 : 0;  // this rank's own signal
    // Backward before the loss is known: one wait for the other ranks an update, not two. A loss that
    // is not finite gives gradients that are not either, but check() throws before any step uses them.
    // The shard's weight is the root gradient, so the ranks' gradients sum to the batch's.
    if (CapturedStep* plan = plan_for(inputs, targets)) {
      const auto later = [](double) {};  // the loss is checked once summed over the ranks, below
      sums[0] = weight * plan->run(inputs, targets, later, output, weight);
      ++captured_steps_;
    } else {
      output = parts_.model.forward(inputs);
      const Tensor loss = parts_.loss_fn(output, targets);
      sums[0] = weight * loss.item();
      loss.backward(full(Shape{}, weight, loss.dtype()));
      capture(inputs, targets);
    }
    parts_.reducer->all_reduce();
  }
  comm.all_reduce_sum(sums);
  agreed_stop_ = sums[1] > 0 ? (parts_.stop && *parts_.stop ? static_cast<int>(*parts_.stop) : SIGTERM) : 0;
  check(sums[0]);  // every rank sees the same loss: a divergence stops them all here
  return sums[0];
}

CapturedStep* EpochLoop::plan_for(const Tensor& inputs, const Tensor& targets) const {
  if (!capturing_) return nullptr;
  for (const auto& plan : plans_)
    if (plan->fits(inputs, targets)) return plan.get();
  return nullptr;
}

void EpochLoop::capture(const Tensor& inputs, const Tensor& targets) {
  if (!capturing_) return;
  for (const auto& plan : plans_)
    if (plan->batch_size() == inputs.shape()[0]) return;  // captured, but unfit now (a bad label): eager
  // Data-parallel, the plan writes each gradient where the reducer sums it: no copy in or out.
  // Each gradient it has set is told to the reducer, so that a rank waiting to sum may sum it.
  CapturedStep::GradientPlace place;
  CapturedStep::GradientWritten written;
  if (parallel()) {
    place = [this](const Tensor& p) { return parts_.reducer->gradient_buffer(p); };
    written = [this](const Tensor& p) { parts_.reducer->gradient_written(p); };
  }
  std::unique_ptr<CapturedStep> plan =
      CapturedStep::capture(parts_.model, parts_.config, inputs, targets, place, std::move(written));
  if (!plan) {
    capturing_ = false;  // the model or the loss is not one a plan replays: eager from here on
    return;
  }
  if (plans_.size() == 2) plans_.erase(plans_.begin());
  plans_.push_back(std::move(plan));
}

int EpochLoop::stop_signal(bool now) {
  const int mine = parts_.stop ? static_cast<int>(*parts_.stop) : 0;
  if (!parallel()) return mine;
  if (now) {
    double asked[1] = {mine != 0 ? 1.0 : 0.0};
    parts_.comm->all_reduce_sum(asked);
    agreed_stop_ = asked[0] > 0 ? (mine ? mine : SIGTERM) : 0;
  }
  return agreed_stop_;
}

void EpochLoop::check_divergence(std::int64_t epoch, double lr, double loss) {
  if (!parts_.divergence) return;
  const std::string why = parts_.divergence->check(step_, loss);
  if (why.empty()) return;
  if (parts_.config.diagnostics.divergence == "stop")
    throw diverged(epoch, lr, why + "; [diagnostics] divergence = \"warn\" or \"off\" lets such a run go on");
  if (!divergence_warned_ && parts_.warnings)
    *parts_.warnings << "descent: warning: " << why << " (epoch " << epoch
                     << "); the run goes on as [diagnostics] divergence = \"warn\" says, and warns no more\n";
  divergence_warned_ = true;
}

void EpochLoop::end_epoch(double train_loss) {
  if (parts_.scheduler && !schedule_per_batch_) parts_.scheduler->step(train_loss);
}

TrainingDiverged EpochLoop::diverged(std::int64_t epoch, double lr, const std::string& what) const {
  return TrainingDiverged("training stopped at update " + std::to_string(step_) + " (epoch " + std::to_string(epoch) +
                          ", lr " + util::format_number(lr, "g") + "): " + what +
                          (last_checkpoint_.empty() ? std::string("; no checkpoint holds this run yet")
                                                    : "; the last good state is in " + last_checkpoint_));
}

void EpochLoop::record(const Tensor& output, double loss) {
  TrajectoryRecorder* recorder = parts_.recorder;
  if (recorder && step_ % parts_.config.diagnostics.record_every == 0)
    recorder->record(step_,
                     {output, loss, TrajectoryRecorder::grad_norm(parts_.model.parameters()), parts_.optimizer.lr()});
}

void EpochLoop::finish_trace() {
  if (!parts_.recorder && !(parts_.tracing && parallel())) return;
  parts_.model.train();
  parts_.optimizer.zero_grad();
  Tensor output;
  const double loss = forward_backward(output, [](double) {});
  record(output, loss);
  parts_.optimizer.zero_grad();
  if (parts_.recorder) parts_.recorder->finish();
}

}  // namespace descent::train
