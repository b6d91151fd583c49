#pragma once
// One training run from a config: data, model, loss, optimizer and schedule built from it, the epoch loop
// (gradients clipped as configured; the schedule stepped per epoch, or per batch for onecyclelr),
// per-epoch lines in Nielsen's form ("Epoch 0: 9022 / 10000"), and JSON Lines metrics; with [data]
// validation, each epoch's validation figures, early stopping ([train] early_stopping) and the best
// epoch's checkpoint (save_best_path) watch them. A Siamese run
// (model.siamese) reports pair verification instead, with the threshold chosen on the training pairs
// (train/pair_accuracy.hpp): "Epoch 0: 9512 / 10000 pairs  (threshold 0.43, train loss ...)".
// Its parts: the training pass (src/train/epoch_loop.hpp), the evaluator of the task's kind
// (train/evaluator.hpp) and the reporter of lines and metrics (train/epoch_report.hpp).
#include <csignal>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "descent/distributed/communicator.hpp"
#include "descent/train/config.hpp"
#include "descent/train/epoch_result.hpp"

namespace descent::train {

struct RunOptions {
  std::string data_dir;                // holds the four IDX files (resolve_data_dir)
  std::optional<std::int64_t> epochs;  // overrides the config
  std::optional<std::uint64_t> seed;   // overrides the config
  int threads = 0;                     // 0: leave the BLAS default
  std::string metrics_path;            // JSON Lines, one object per epoch; empty: none
  std::string trace_path;              // CSV of [diagnostics] record, every record_every updates
  std::string command;                 // the command line, recorded in the trace's comments
  std::string save_path;               // checkpoint after every epoch (train/checkpoint.hpp)
  std::int64_t save_every = 0;         // and after every N updates inside an epoch (with save_path); 0: not
  std::string resume_path;             // continue from this checkpoint; epochs stays the total
  // A checkpoint written each time the epoch's metric improves on the best so far (the early-stopping
  // metric, else val_loss: train/early_stopping.hpp); a resumed run goes on from the best its
  // checkpoint recorded.
  std::string save_best_path;
  // Set (by a signal handler) to a signal's number to stop the run: after the update under way, the
  // checkpoint is written (with save_path) and run_training returns, saying where it stopped in
  // RunSummary. Read after each update and each epoch; null: never.
  const volatile std::sig_atomic_t* stop = nullptr;
  bool progress = false;  // a progress bar (for terminals); else plain lines only
  bool diagnose = false;  // as [diagnostics] diagnose = true
  // Warnings (a checkpoint with no data recorded, divergence = "warn"); null: std::cerr.
  std::ostream* warnings = nullptr;
  // The ranks of a data-parallel run (mpirun -np N descent train), null or one rank: this process alone.
  // Each update splits the batch over the ranks (train/data_parallel.hpp); rank 0 alone writes files and
  // the caller gives the others an `out` that discards.
  distributed::Communicator* comm = nullptr;
};

struct RunSummary {
  std::vector<EpochResult> epochs;
  bool stopped_early = false;  // [train] early_stopping ended the run before train.epochs
  // RunOptions::stop ended the run: the signal's number and where the run stood ("update 17, batch 5
  // of 12 of epoch 1", "update 24, after epoch 1"); 0 and empty when it ran to its end.
  int stop_signal = 0;
  std::string stopped_at;
  bool saved = false;  // and its state is in RunOptions::save_path
  // Updates replayed from a captured step ([train] capture, train/captured_step.hpp) rather than run
  // through the autograd graph.
  std::int64_t captured_steps = 0;
};

// Trains as configured, writing progress to `out`. Throws descent::Error subclasses on bad input: IoError
// for an output that cannot be written (checked first), for a --resume checkpoint trained on other data
// (train/data_fingerprint.hpp); TrainingDiverged when the loss stops being finite or, as [diagnostics]
// divergence says, runs away (train/divergence_guard.hpp). Resuming a finished run trains nothing and
// says so. On resume the metrics file keeps its lines of the epochs done and grows from there.
// A checkpoint that cannot be written mid-run (disk full, file-size limit, a directory gone) throws
// CheckpointWriteError, the file at its path left as it was.
RunSummary run_training(const TrainConfig& config, const RunOptions& options, std::ostream& out);

// The data directory: `flag` if given, else $DESCENT_DATA, else Debian's Fashion-MNIST
// (/usr/share/datasets/fashion-mnist). Throws IoError saying where it looked and how to get the data
// when the chosen directory lacks the IDX files.
std::string resolve_data_dir(const std::optional<std::string>& flag);
// The data directory a run of `config` reads: resolve_data_dir(flag) when the config reads its examples
// from one (needs_data_dir), else "". A --data-dir given to a config that names its own data (files in
// [data], or inline examples) is not read: `warnings`, if given, gets a line saying so.
std::string data_dir_for(const TrainConfig& config, const std::optional<std::string>& flag,
                         std::ostream* warnings = nullptr);

}  // namespace descent::train
