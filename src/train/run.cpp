#include "descent/train/run.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "descent/autograd/anomaly.hpp"
#include "descent/data/data_loader.hpp"
#include "descent/data/dataset.hpp"
#include "descent/diagnostics/training_monitor.hpp"
#include "descent/diagnostics/trajectory_recorder.hpp"
#include "descent/distributed/agreement.hpp"
#include "descent/distributed/batch_shard.hpp"
#include "descent/distributed/gradient_reducer.hpp"
#include "descent/error.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/tensor/flush_denormal.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/data_parallel.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/divergence_guard.hpp"
#include "descent/train/early_stopping.hpp"
#include "descent/train/epoch_report.hpp"
#include "descent/train/evaluator.hpp"
#include "descent/train/live_diagnosis.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/train_loader.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/output_paths.hpp"
#include "epoch_loop.hpp"

namespace descent::train {
namespace {

constexpr const char* kDebianFashionMnist = "/usr/share/datasets/fashion-mnist";

// The trace of [diagnostics] record (--trace), its comments naming the command, the seed and the config.
std::unique_ptr<TrajectoryRecorder> open_trace(const TrainConfig& config, const RunOptions& options,
                                               const nn::Module& model) {
  if (options.trace_path.empty()) return nullptr;
  if (config.diagnostics.record.empty())
    throw ConfigError(config.path +
                      ": --trace needs [diagnostics] record = [...], the values to record "
                      "(e.g. record = [\"0.weight[0,0]\", \"output\", \"loss\"])");
  std::vector<std::string> comments = {options.command.empty() ? "descent train " + config.path : options.command,
                                       "seed " + std::to_string(config.seed), "config " + config.path + ":"};
  std::ifstream text(config.path);
  for (std::string line; std::getline(text, line);) comments.push_back("  " + line);
  return std::make_unique<TrajectoryRecorder>(config.diagnostics.record, model, options.trace_path, comments,
                                              config.dtype);
}

// "2 epochs done (0 to 1)", numbered as the "Epoch N:" lines.
std::string epochs_done(std::int64_t n) {
  if (n == 1) return "1 epoch done (epoch 0)";
  std::string text = std::to_string(n) + " epochs done";
  if (n > 1) text.append(" (epochs 0 to ").append(std::to_string(n - 1)).append(")");
  return text;
}

}  // namespace

std::string resolve_data_dir(const std::optional<std::string>& flag) {
  std::string dir, source;
  if (flag) {
    dir = *flag;
    source = "--data-dir";
  } else if (const char* env = std::getenv("DESCENT_DATA"); env && *env) {
    dir = env;
    source = "DESCENT_DATA";
  } else {
    dir = kDebianFashionMnist;
    source = "the default";
  }
  if (!data::has_idx_files(dir))
    throw IoError("no data set in " + dir + " (from " + source +
                  "): expected the four IDX files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                  "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (or uncompressed). Looked at --data-dir, then "
                  "$DESCENT_DATA, then " +
                  std::string(kDebianFashionMnist) +
                  ". Get MNIST into a directory and pass --data-dir, or install Fashion-MNIST with "
                  "'apt-get install dataset-fashion-mnist'");
  return dir;
}

std::string data_dir_for(const TrainConfig& config, const std::optional<std::string>& flag, std::ostream* warnings) {
  if (needs_data_dir(config)) return resolve_data_dir(flag);
  if (flag && warnings) {
    *warnings << "descent: warning: --data-dir " << *flag
              << " is not read: " << (config.path.empty() ? std::string("the config") : config.path);
    if (!config.data.train.empty())
      *warnings << " names its data files ([data] train = \"" << config.data.train << "\")\n";
    else *warnings << " holds its examples inline ([data] inputs)\n";
  }
  return "";
}

RunSummary run_training(const TrainConfig& config_in, const RunOptions& options, std::ostream& out) {
  TrainConfig config = config_in;
  if (options.epochs) config.epochs = *options.epochs;
  if (options.seed) config.seed = *options.seed;
  if (options.threads > 0) kernels::set_num_threads(options.threads);
  // On for this run when the config asks; otherwise the mode stays as the caller left it.
  const FlushDenormalGuard flush_guard(config.flush_denormal || flush_denormal());
  std::ostream& warnings = options.warnings ? *options.warnings : std::cerr;
  distributed::SingleProcess one_process;
  distributed::Communicator& comm = options.comm ? *options.comm : one_process;
  const bool writer = comm.rank() == 0;  // data-parallel: rank 0 alone writes files
  const std::vector<util::OutputPath> outputs = {{"--metrics", options.metrics_path},
                                                 {"--trace", options.trace_path},
                                                 {"--save", options.save_path},
                                                 {"--save-best", options.save_best_path}};
  if (writer) util::check_output_paths(outputs);  // before anything runs: not after the first epoch

  const std::string best_metric = options.save_best_path.empty() ? "" : save_best_metric(config);
  const TrainData data = load_data(config, options.data_dir);
  const data::Dataset& train_set = data.train;
  Generator init_gen(config.seed);
  seed_dropout(config);
  if (!options.resume_path.empty()) config.model.init_from.clear();  // the checkpoint holds the weights
  auto model = build_network(config, init_gen, &warnings);
  const LossFn loss_fn = build_loss(config);
  auto optimizer = build_optimizer(config, *model);
  data::DataLoaderOptions batches = train_loader_options(config, train_set.size());
  check_batches_fit_ranks(config, train_set.size(), batches.batch_size, comm.size());
  if (comm.size() > 1)  // each rank converts the inputs of its own shard alone
    batches.input_rows = [rank = comm.rank(), ranks = comm.size()](std::int64_t n) {
      const distributed::BatchShard shard = distributed::shard_of(n, rank, ranks);
      return std::pair{shard.begin, shard.size};
    };
  data::DataLoader loader(train_set, batches);
  auto scheduler = build_scheduler(config, *optimizer, loader.num_batches());
  const TrainingParts parts{*model, *optimizer, scheduler.get(), loader,
                            data.input_stats ? &*data.input_stats : nullptr};
  TrainingProgress progress;
  if (!options.resume_path.empty()) {
    progress = load_checkpoint(options.resume_path, config, parts);
    check_same_data(options.resume_path, progress.data, data.fingerprint, warnings);
    if (progress.epochs_done >= config.epochs) {
      out << options.resume_path << " holds a finished run: " << epochs_done(progress.epochs_done) << " of "
          << config.epochs << ", " << progress.step
          << " updates; nothing to train (the epochs asked for are the total: raise --epochs to go on)\n";
      return {};
    }
    out << "resumed from " << options.resume_path << ": " << epochs_done(progress.epochs_done);
    if (progress.in_epoch)
      out << " and " << progress.in_epoch->batches << " of " << loader.num_batches() << " batches of epoch "
          << progress.epochs_done;
    out << ", " << progress.step << " updates; going on with epoch " << progress.epochs_done << "\n";
  }
  std::optional<DivergenceGuard> divergence;
  if (config.diagnostics.divergence != "off")
    divergence.emplace(config.loss.name, nn::find_loss_type(config.loss.name).lower_bound, progress.first_losses_mean,
                       progress.first_losses);
  const std::unique_ptr<Evaluator> evaluator = make_evaluator(config, data, loss_fn, &comm);
  TrainingMonitor monitor(model->named_parameters(),
                          {.every = config.diagnostics.monitor_every, .loss_window = config.diagnostics.loss_window},
                          out);
  DetectAnomalyGuard watch(config.diagnostics.nonfinite_watch);
  EpochReporter reporter(task_kind(data), out, writer ? options.metrics_path : "", progress.epochs_done);
  const std::unique_ptr<TrajectoryRecorder> recorder = writer ? open_trace(config, options, *model) : nullptr;
  std::unique_ptr<LiveDiagnosis> diagnosis;
  if (config.diagnostics.diagnose || options.diagnose) {
    diagnosis =
        std::make_unique<LiveDiagnosis>(config, data, *model, loss_fn, config.epochs * loader.num_batches(), out);
    diagnosis->start();
  }
  // Data-parallel: every rank is ready (or the one that failed has said why), and starts from rank 0's
  // weights.
  distributed::agree(comm);
  std::vector<Tensor> state = model->parameters();
  for (auto& [name, buffer] : model->named_buffers()) state.push_back(buffer);
  distributed::broadcast_tensors(comm, state);
  distributed::GradientReducer reducer(comm, model->parameters());
  EpochLoop loop({config, *model, *optimizer, scheduler.get(), loss_fn, monitor, recorder.get(),
                  diagnosis ? &diagnosis->watch() : nullptr, divergence ? &*divergence : nullptr, &warnings, &comm,
                  &reducer, options.stop, !options.trace_path.empty()},
                 out, options.progress, progress.step, options.resume_path);
  std::optional<BestMetric> kept;  // --save-best
  if (!best_metric.empty()) kept.emplace(best_metric);
  if (kept && progress.save_best) kept->set_state(*progress.save_best);
  std::optional<EarlyStopping> stopping;
  if (config.early_stopping) stopping.emplace(*config.early_stopping);
  if (stopping && progress.early_stopping) stopping->set_state(*progress.early_stopping);

  // Writes a checkpoint of the run as it stands: after `epochs` epochs and, inside the next, `in_epoch`.
  std::string saved_state;  // what options.save_path holds of this run ("update 17 (epoch 1)"); empty: nothing
  if (!options.resume_path.empty() && options.resume_path == options.save_path)
    saved_state = "update " + std::to_string(progress.step);
  auto save = [&](const std::string& path, std::int64_t epochs, std::optional<EpochPosition> in_epoch) {
    TrainingProgress p = progress;
    p.epochs_done = epochs;
    p.step = loop.step();
    if (divergence) p.first_losses_mean = divergence->first_losses_mean(), p.first_losses = divergence->first_losses();
    p.data = data.fingerprint;
    p.in_epoch = in_epoch;
    p.early_stopping = stopping ? std::optional(stopping->state()) : std::nullopt;
    p.save_best = kept ? std::optional(kept->state()) : std::nullopt;
    const std::string where =
        in_epoch ? "update " + std::to_string(p.step) + " (epoch " + std::to_string(epochs) + ")"
                 : "update " + std::to_string(p.step) + " (after epoch " + std::to_string(epochs - 1) + ")";
    try {
      if (writer) save_checkpoint(path, config, parts, p);
    } catch (const IoError& e) {
      std::string message = e.what();
      message.append("; training stopped at ").append(where).append("; ").append(path).append(" is left as it was");
      if (path == options.save_path && !saved_state.empty())
        message.append(", holding the run at ").append(saved_state).append(" (--resume ").append(path).append(")");
      throw CheckpointWriteError(message);
    }
    distributed::agree(comm);  // rank 0 wrote it, or failed and says why
    if (path != options.save_path) return;
    saved_state = where;
    loop.checkpoint_saved(path + (in_epoch ? " (update " + std::to_string(p.step) + ", in epoch " : " (after epoch ") +
                          std::to_string(in_epoch ? epochs : epochs - 1) + ")");
  };
  RunSummary summary;
  auto stop = [&](std::string where) {
    summary.stop_signal = loop.stop_signal();
    summary.stopped_at = std::move(where);
    summary.saved = !options.save_path.empty();
  };
  loop.after_update([&](std::int64_t epoch, const EpochPosition& at) {
    const bool stopping_now = loop.stop_signal() != 0;
    const bool due = options.save_every > 0 && loop.step() % options.save_every == 0 &&
                     at.batches < loader.num_batches();  // at the epoch's end, its own checkpoint follows
    if ((stopping_now || due) && !options.save_path.empty()) save(options.save_path, epoch, at);
    if (stopping_now)
      stop("update " + std::to_string(loop.step()) + ", batch " + std::to_string(at.batches) + " of " +
           std::to_string(loader.num_batches()) + " of epoch " + std::to_string(epoch));
    return !stopping_now;
  });

  std::optional<EpochPosition> resume_at = progress.in_epoch;
  for (std::int64_t epoch = progress.epochs_done; epoch < config.epochs; ++epoch) {
    EpochResult r;
    try {
      r = loop.train_epoch(loader, epoch, resume_at ? &*resume_at : nullptr);
      resume_at.reset();
    } catch (const TrainingDiverged&) {
      if (diagnosis) diagnosis->stopped(loop.step(), epoch);  // the detectors' view, before the stop's message
      throw;
    }
    if (loop.stopped()) break;
    model->eval();
    evaluator->evaluate(*model, r);
    if (diagnosis) diagnosis->end_epoch(loop.step(), r);
    loop.end_epoch(r.train_loss);
    reporter.report(r);
    distributed::agree(comm);  // rank 0 wrote the metrics line, or failed and says why
    // The counts first, so that the checkpoint holds them; the best epoch's file before the run's, so
    // that a kill between the two repeats the epoch and writes it again.
    const bool improved = kept && kept->update(r);
    const bool stop_early = stopping && stopping->should_stop(r);
    if (improved) save(options.save_best_path, epoch + 1, std::nullopt);
    if (!options.save_path.empty()) save(options.save_path, epoch + 1, std::nullopt);
    summary.epochs.push_back(r);
    if (stop_early) {
      out << stopping->message() << '\n';
      summary.stopped_early = true;
      break;
    }
    if (loop.stop_signal(true) != 0 && epoch + 1 < config.epochs) {
      stop("update " + std::to_string(loop.step()) + ", after epoch " + std::to_string(epoch));
      break;
    }
  }
  if (kept && kept->has_best())
    out << "best " << best_metric << ' ' << util::format_number(kept->best(), ".6g") << " at epoch "
        << kept->best_epoch() << ", saved in " << options.save_best_path << '\n';
  loop.finish_trace();
  summary.captured_steps = loop.captured_steps();
  if (comm.size() > 1 && reducer.calls() > 0)
    out << "data-parallel: " << comm.size() << " ranks; each update all-reduced "
        << util::format_number(static_cast<double>(reducer.bytes()) / 1e6, ".3g") << " MB of gradients in "
        << reducer.buckets() << (reducer.buckets() == 1 ? " bucket" : " buckets") << ": "
        << util::format_number(1e3 * reducer.seconds() / static_cast<double>(reducer.calls()), ".3g")
        << " ms per update on rank 0, waiting for the slowest rank included; " << loop.captured_steps() << " of "
        << reducer.calls() << " updates replayed a captured step"
        << (reducer.in_exchange_memory() ? "; summed in memory the ranks share" : "") << '\n';
  return summary;
}

}  // namespace descent::train
