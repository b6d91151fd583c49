#pragma once
// The training pass of run_training: one update per batch (zero_grad, forward, loss, the non-finite
// check, backward, the trace's row, the monitor, clipping, the optimizer's step, a per-batch schedule),
// and the per-epoch schedule after the epoch's evaluation. A loss that is not finite, a NonFiniteError
// from [diagnostics] nonfinite_watch, or a loss that runs away ([diagnostics] divergence = "stop",
// train/divergence_guard.hpp) stops the run with TrainingDiverged naming the update, epoch and lr, and
// the last checkpoint that holds a good state. After each update a callback may save a checkpoint
// inside the epoch or stop the run there (--save-every, a signal: train/run.cpp).
// Data-parallel (a communicator of more than one rank): each update computes this rank's shard of the
// batch, weighted so that the ranks' losses add up to the batch's; one all-reduce then gives every rank
// the batch's loss and whether any rank was asked to stop, and after backward the gradients are summed
// (distributed::GradientReducer): every rank takes the same decisions and the same step.
// Captured steps ([train] capture, train/captured_step.hpp): after an eager step of a model a plan
// replays, the later batches of that size replay the plan instead of building a graph, with the same
// results. Not while anything watches the graph or the ops (a trace, the monitor, live diagnosis,
// nonfinite_watch) nor data-parallel; a batch of another size (the last, partial one) runs eagerly
// once, and is then captured too. Without gradient clipping, a replayed step makes plain SGD's weight
// updates inside the weight gradients' products, with the optimizer's results bit for bit.
#include <csignal>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "descent/data/data_loader.hpp"
#include "descent/diagnostics/training_monitor.hpp"
#include "descent/diagnostics/training_watch.hpp"
#include "descent/diagnostics/trajectory_recorder.hpp"
#include "descent/distributed/communicator.hpp"
#include "descent/distributed/gradient_reducer.hpp"
#include "descent/error.hpp"
#include "descent/nn/module.hpp"
#include "descent/optim/lr_scheduler/lr_scheduler.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/train/captured_step.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/config.hpp"
#include "descent/train/divergence_guard.hpp"
#include "descent/train/epoch_result.hpp"
#include "descent/train/model_from_config.hpp"

namespace descent::train {

struct EpochLoopParts {
  const TrainConfig& config;
  nn::Module& model;
  optim::Optimizer& optimizer;
  optim::LRScheduler* scheduler;  // may be null
  const LossFn& loss_fn;
  TrainingMonitor& monitor;
  TrajectoryRecorder* recorder;                      // may be null
  diagnostics::TrainingWatch* watch = nullptr;       // [diagnostics] diagnose; may be null
  DivergenceGuard* divergence = nullptr;             // [diagnostics] divergence, unless "off"; may be null
  std::ostream* warnings = nullptr;                  // where divergence = "warn" warns; null: not at all
  distributed::Communicator* comm = nullptr;         // data-parallel ranks; null: one process
  distributed::GradientReducer* reducer = nullptr;   // with comm
  const volatile std::sig_atomic_t* stop = nullptr;  // a signal's number once one asks to stop; may be null
  bool tracing = false;  // the run records a trace: data-parallel, on rank 0 alone, the others join its last row
};

class EpochLoop {
 public:
  // `first_step`: updates made before (a resumed run's); `last_checkpoint`: where a good state is, or empty.
  EpochLoop(EpochLoopParts parts, std::ostream& out, bool progress, std::int64_t first_step,
            std::string last_checkpoint);

  // Called after each update with the epoch and how far it has gone; returns false to stop the epoch
  // there (stopped() then says so).
  using AfterUpdate = std::function<bool(std::int64_t epoch, const EpochPosition& so_far)>;
  void after_update(AfterUpdate callback) { after_update_ = std::move(callback); }

  // One pass over `loader` in training mode. Returns the epoch, its lr, the mean training loss, the
  // pass's seconds and samples per second; the test fields are left to the evaluator. `resume`: the
  // part of the epoch a checkpoint holds, the loader already at its position (DataLoader::set_position).
  EpochResult train_epoch(data::DataLoader& loader, std::int64_t epoch, const EpochPosition* resume = nullptr);
  // The last train_epoch ended before the loader's end, as after_update asked.
  bool stopped() const { return stopped_; }
  // After the epoch's evaluation: a per-epoch schedule takes its step (ReduceLROnPlateau watches the
  // training loss).
  void end_epoch(double train_loss);
  // The run's state has been saved; a later divergence points there.
  void checkpoint_saved(std::string where) { last_checkpoint_ = std::move(where); }
  std::int64_t step() const { return step_; }
  // Updates replayed from a captured step so far.
  std::int64_t captured_steps() const { return captured_steps_; }
  // The signal that asks the run to stop, 0 for none: this process's own, or, data-parallel, the one the
  // ranks agreed on at the last update (any rank's signal stops them all after the same update). `now`:
  // agree afresh (one collective call), for a check outside an update, at the end of an epoch.
  int stop_signal(bool now = false);
  // The trace's last row: the weights after every update, with the output and loss they give on the last
  // batch. Then the trace is closed. Does nothing without a trace.
  void finish_trace();

 private:
  double update(std::int64_t epoch);  // on batch_; returns its loss
  // Forward, loss and backward on batch_ (this rank's shard of it, data-parallel: then the gradients
  // summed over the ranks); returns the batch's loss. `check` runs on the loss before backward.
  double forward_backward(Tensor& output, const std::function<void(double)>& check);
  bool parallel() const { return parts_.comm && parts_.comm->size() > 1; }
  // The plan that replays a step on (inputs, targets), batch_ or this rank's shard of it, or null.
  CapturedStep* plan_for(const Tensor& inputs, const Tensor& targets) const;
  void capture(const Tensor& inputs, const Tensor& targets);  // after an eager step on them
  TrainingDiverged diverged(std::int64_t epoch, double lr, const std::string& what) const;
  // Throws TrainingDiverged, or warns, as [diagnostics] divergence says, when the loss runs away.
  void check_divergence(std::int64_t epoch, double lr, double loss);
  void record(const Tensor& output, double loss);

  EpochLoopParts parts_;
  std::ostream& out_;
  bool progress_;
  bool monitoring_;
  bool schedule_per_batch_;
  bool divergence_warned_ = false;  // divergence = "warn" warns once
  bool stopped_ = false;
  AfterUpdate after_update_;
  std::vector<Tensor> parameters_;
  std::int64_t step_;
  std::string last_checkpoint_;
  data::Batch batch_;    // valid until the next batch; the trace's last row reads it
  int agreed_stop_ = 0;  // data-parallel: stop_signal() as of the last update
  bool capturing_;       // steps may be captured; false once the model turned out not capturable
  std::vector<std::unique_ptr<CapturedStep>> plans_;  // one per batch size met, at most two
  std::int64_t captured_steps_ = 0;
};

}  // namespace descent::train
