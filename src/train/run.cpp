#include "descent/train/run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "descent/autograd/grad_mode.hpp"
#include "descent/data/data_loader.hpp"
#include "descent/data/dataset.hpp"
#include "descent/error.hpp"
#include "descent/nn/utils/clip_grad.hpp"
#include "descent/tensor/flush_denormal.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/autograd/anomaly.hpp"
#include "descent/diagnostics/training_monitor.hpp"
#include "descent/diagnostics/trajectory_recorder.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/pair_accuracy.hpp"
#include "descent/train/progress.hpp"
#include "descent/train/train_loader.hpp"

namespace descent::train {
namespace {

constexpr const char* kDebianFashionMnist = "/usr/share/datasets/fashion-mnist";

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Mean loss over a data set (regression), in one pass.
double mean_loss(nn::Module& model, const LossFn& loss_fn, const data::Dataset& set) {
  NoGradGuard no_grad;
  return loss_fn(model(set.inputs), set.targets).item();
}

// Correct predictions (argmax of the output against the label) over a data set, in chunks.
std::int64_t count_correct(nn::Module& model, const data::Dataset& set) {
  NoGradGuard no_grad;
  constexpr std::int64_t kChunk = 1000;
  std::int64_t correct = 0;
  const std::int64_t* labels = set.targets.data<std::int64_t>();
  for (std::int64_t start = 0; start < set.size(); start += kChunk) {
    const std::int64_t n = std::min(kChunk, set.size() - start);
    const Tensor predicted = kernels::argmax(model(set.inputs.view_narrowed(start, n)), 1, false);
    const std::int64_t* p = predicted.data<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) correct += p[i] == labels[start + i];
  }
  return correct;
}

void write_metrics(std::ofstream& out, const EpochResult& r, bool classification, bool pairs) {
  if (!classification && !pairs) {
    out << nlohmann::json{{"epoch", r.epoch}, {"train_loss", r.train_loss}, {"test_loss", r.test_loss},
                          {"seconds", r.seconds}, {"samples_per_second", r.samples_per_second}}
               .dump()
        << '\n' << std::flush;
    return;
  }
  nlohmann::json j = {{"epoch", r.epoch},
                      {"train_loss", r.train_loss},
                      {"test_correct", r.test_correct},
                      {"test_total", r.test_total},
                      {"test_accuracy", r.test_total ? static_cast<double>(r.test_correct) / r.test_total : 0.0},
                      {"seconds", r.seconds},
                      {"samples_per_second", r.samples_per_second},
                      {"lr", r.lr}};
  if (pairs) j["threshold"] = r.threshold;
  out << j.dump() << '\n' << std::flush;
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
                  "$DESCENT_DATA, then " + std::string(kDebianFashionMnist) +
                  ". Get MNIST into a directory and pass --data-dir, or install Fashion-MNIST with "
                  "'apt-get install dataset-fashion-mnist'");
  return dir;
}

RunSummary run_training(const TrainConfig& config_in, const RunOptions& options, std::ostream& out) {
  TrainConfig config = config_in;
  if (options.epochs) config.epochs = *options.epochs;
  if (options.seed) config.seed = *options.seed;
  if (options.threads > 0) kernels::set_num_threads(options.threads);
  // On for this run when the config asks; otherwise the mode stays as the caller left it.
  const FlushDenormalGuard flush_guard(config.flush_denormal || flush_denormal());

  const TrainData data = load_data(config, options.data_dir);
  const data::Dataset& train_set = data.train;
  const data::Dataset& test_set = data.test;

  Generator init_gen(config.seed);
  auto model = build_network(config, init_gen);
  const std::optional<nn::PairScore> score = siamese_score(config);
  const LossFn loss_fn = build_loss(config);
  auto optimizer = build_optimizer(config, *model);
  data::DataLoader loader(train_set, train_loader_options(config, train_set.size()));
  auto scheduler = build_scheduler(config, *optimizer, loader.num_batches());
  const bool schedule_per_batch = scheduler && config.scheduler->name == "onecyclelr";
  const std::vector<Tensor> parameters = model->parameters();
  const TrainingParts parts{*model, *optimizer, scheduler.get(), loader};
  TrainingProgress progress;
  if (!options.resume_path.empty()) {
    progress = load_checkpoint(options.resume_path, config, parts);
    out << "resumed from " << options.resume_path << " after epoch " << progress.epochs_done << " (" << progress.step
        << " updates)\n";
  }
  TrainingMonitor monitor(model->named_parameters(),
                          {.every = config.diagnostics.monitor_every, .loss_window = config.diagnostics.loss_window}, out);
  const bool monitoring = config.diagnostics.monitor_every > 0 || config.diagnostics.loss_window > 0;
  DetectAnomalyGuard watch(config.diagnostics.nonfinite_watch);
  std::string last_checkpoint = options.resume_path;  // a run that diverges points here

  std::ofstream metrics;
  if (!options.metrics_path.empty()) {
    metrics.open(options.metrics_path, std::ios::trunc);
    if (!metrics) throw IoError(options.metrics_path + ": cannot open the metrics file for writing");
  }

  std::unique_ptr<TrajectoryRecorder> recorder;
  if (!options.trace_path.empty()) {
    if (config.diagnostics.record.empty())
      throw ConfigError(config.path + ": --trace needs [diagnostics] record = [...], the values to record "
                        "(e.g. record = [\"0.weight[0,0]\", \"output\", \"loss\"])");
    std::vector<std::string> comments = {options.command.empty() ? "descent train " + config.path : options.command,
                                         "seed " + std::to_string(config.seed), "config " + config.path + ":"};
    std::ifstream text(config.path);
    for (std::string line; std::getline(text, line);) comments.push_back("  " + line);
    recorder = std::make_unique<TrajectoryRecorder>(config.diagnostics.record, *model, options.trace_path, comments,
                                                    config.dtype);
  }
  std::int64_t step = progress.step;  // updates so far
  auto record = [&](const Tensor& output, const Tensor& loss) {
    if (recorder && step % config.diagnostics.record_every == 0)
      recorder->record(step, {output, loss.item(), TrajectoryRecorder::grad_norm(model->parameters()), optimizer->lr()});
  };

  RunSummary summary;
  data::Batch batch;
  for (std::int64_t epoch = progress.epochs_done; epoch < config.epochs; ++epoch) {
    const double epoch_lr = optimizer->lr();
    model->train();
    ProgressBar bar(out, options.progress, loader.num_batches(), epoch);
    loader.start_epoch();
    double loss_sum = 0;
    std::int64_t seen = 0, batches = 0;
    const auto start = std::chrono::steady_clock::now();
    while (loader.next(batch)) {
      const double lr_now = optimizer->lr();
      auto diverged = [&](const std::string& what) {
        return TrainingDiverged("training stopped at update " + std::to_string(step) + " (epoch " +
                                std::to_string(epoch) + ", lr " + number_text(lr_now) + "): " + what +
                                (last_checkpoint.empty() ? std::string("; no checkpoint holds this run yet")
                                                         : "; the last good state is in " + last_checkpoint));
      };
      optimizer->zero_grad();
      Tensor output, loss;
      try {
        output = model->forward(batch.inputs);
        loss = loss_fn(output, batch.targets);
        if (!std::isfinite(loss.item()))
          throw diverged("the loss is " + number_text(loss.item()) +
                         (config.diagnostics.nonfinite_watch ? "" : "; set [diagnostics] nonfinite_watch = true to find the op where it first appears"));
        loss.backward();
      } catch (const NonFiniteError& e) {
        throw diverged(e.what());
      }
      record(output, loss);
      if (monitoring) monitor.before_update(step);
      if (config.clip_grad_norm > 0) nn::utils::clip_grad_norm_(parameters, config.clip_grad_norm);
      if (config.clip_grad_value > 0) nn::utils::clip_grad_value_(parameters, config.clip_grad_value);
      optimizer->step();
      if (schedule_per_batch) scheduler->step();
      if (monitoring) monitor.after_update(step, loss.item());
      ++step;
      const std::int64_t n = batch.inputs.shape()[0];
      loss_sum += loss.item() * static_cast<double>(n);
      seen += n;
      bar.update(++batches, loss_sum / static_cast<double>(seen));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.finish();

    model->eval();
    EpochResult r;
    r.epoch = epoch;
    r.train_loss = seen ? loss_sum / static_cast<double>(seen) : 0.0;
    if (data.pairs) {
      // The threshold is the training pairs' best; the test pairs only measure it.
      const PairThreshold t = best_threshold(pair_scores(*model, train_set, *score), similar_pairs(train_set), *score);
      r.threshold = t.threshold;
      r.test_correct = count_correct_pairs(pair_scores(*model, test_set, *score), similar_pairs(test_set), t.threshold, *score);
      r.test_total = test_set.size();
    } else if (data.classification) {
      r.test_correct = count_correct(*model, test_set);
      r.test_total = test_set.size();
    } else {
      r.test_loss = mean_loss(*model, loss_fn, test_set);
    }
    r.seconds = seconds;
    r.samples_per_second = seconds > 0 ? static_cast<double>(seen) / seconds : 0.0;
    r.lr = epoch_lr;
    if (scheduler && !schedule_per_batch) scheduler->step(r.train_loss);  // ReduceLROnPlateau watches the loss
    char line[200];
    if (data.pairs)
      std::snprintf(line, sizeof line,
                    "Epoch %lld: %lld / %lld pairs  (threshold %.4g, train loss %.6f, %.2f s, %.0f pairs/s)\n",
                    static_cast<long long>(epoch), static_cast<long long>(r.test_correct),
                    static_cast<long long>(r.test_total), r.threshold, r.train_loss, r.seconds, r.samples_per_second);
    else if (data.classification)
      std::snprintf(line, sizeof line, "Epoch %lld: %lld / %lld  (train loss %.6f, %.2f s, %.0f samples/s)\n",
                    static_cast<long long>(epoch), static_cast<long long>(r.test_correct),
                    static_cast<long long>(r.test_total), r.train_loss, r.seconds, r.samples_per_second);
    else
      std::snprintf(line, sizeof line, "Epoch %lld: loss %.10g  (%.2f s)\n", static_cast<long long>(epoch), r.test_loss,
                    r.seconds);
    out << line << std::flush;
    if (metrics.is_open()) write_metrics(metrics, r, data.classification, data.pairs);
    if (!options.save_path.empty()) {
      save_checkpoint(options.save_path, config, parts, {epoch + 1, step});
      last_checkpoint = options.save_path + " (after epoch " + std::to_string(epoch + 1) + ")";
    }
    summary.epochs.push_back(r);
  }
  if (recorder) {
    // The last row: the weights after every update, with the output and loss they give on the last batch.
    model->train();
    optimizer->zero_grad();
    const Tensor output = model->forward(batch.inputs);
    const Tensor loss = loss_fn(output, batch.targets);
    loss.backward();
    record(output, loss);
    optimizer->zero_grad();
    recorder->finish();
  }
  return summary;
}

}  // namespace descent::train
