#include "train_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "config_flags.hpp"
#include "descent/distributed/communicator.hpp"
#include "descent/error.hpp"
#include "descent/nn/layer_reference.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"
#include "descent/train/run.hpp"
#include "descent/util/join.hpp"
#include "descent/util/shell_quote.hpp"
#include "exit_status.hpp"
#include "flag_value.hpp"
#include "stop_signals.hpp"

namespace descent::cli {
namespace {

constexpr int kMaxThreads = 4096;

constexpr const char* kTrainFooter =
    "What it does:\n"
    "  Builds the network, loss and optimizer that CONFIG describes and trains it on the IDX files of\n"
    "  Fashion-MNIST or MNIST, printing one line per epoch with the test accuracy (\"Epoch 0: 9022 / 10000\").\n"
    "  The whole config is checked before anything runs; --epochs and --seed then override it.\n"
    "\n"
    "Data:\n"
    "  The directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and\n"
    "  t10k-labels-idx1-ubyte (plain or .gz) is --data-dir if given, else $DESCENT_DATA if set, else\n"
    "  /usr/share/datasets/fashion-mnist (Debian's Fashion-MNIST). A config may instead hold its examples\n"
    "  itself ([data] inputs = [[0.9]], targets = [[0.9]]); then no directory is read.\n"
    "\n"
    "Stopping and resuming:\n"
    "  Checkpoints are written whole or not at all (a temporary file, fsync'ed, then renamed), so a run\n"
    "  killed at any moment leaves --save FILE holding the last complete one; --resume FILE then ends bit\n"
    "  for bit as a run never stopped. Ctrl-C (SIGINT) or SIGTERM stops after the update under way, writes\n"
    "  the checkpoint (with --save), prints the command that resumes, and exits with 130 or 143; a second\n"
    "  Ctrl-C ends it at once.\n"
    "\n"
    "Several processes:\n"
    "  Under mpirun -np N, the N processes train one model data-parallel: each update splits the batch\n"
    "  over them and sums their gradients, batch norm and dropout see the whole batch, rank 0 alone prints\n"
    "  and writes files, and --threads is per process (docs/distributed.md).\n"
    "\n"
    "Example:\n"
    "  descent train examples/nielsen/config.toml --epochs 1\n"
    "  mpirun -np 2 --bind-to core descent train examples/lenet/mnist.toml --threads 1\n"
    "\n";

}  // namespace

TrainCommand::TrainCommand(CLI::App& parent)
    : app_(parent.add_subcommand("train", "Train a network from a TOML config file")) {
  app_->allow_extras();  // unknown flags are reported by app.cpp, with a suggestion
  add_config_flags(*app_, config_path_, data_dir_);
  app_->add_option("--epochs", epochs_, "Number of epochs, >= 1 (overrides train.epochs)")->type_name("N");
  app_->add_option("--seed", seed_, "Random seed, >= 0, for initialization and shuffling (overrides train.seed)")
      ->type_name("S");
  app_->add_option("--threads", threads_, "BLAS threads, 1 to 4096 (default: the BLAS library's own choice)")
      ->type_name("T");
  app_->add_option("--metrics", metrics_path_, "Write one JSON object per epoch to FILE (JSON Lines)")
      ->type_name("FILE");
  app_->add_option("--trace", trace_path_,
                   "Write the values [diagnostics] record names, every record_every updates, to FILE (CSV)")
      ->type_name("FILE");
  app_->add_flag("--diagnose", diagnose_,
                 "Run the detectors of 'descent doctor' during training: findings printed as they appear and "
                 "added to the metrics lines ([diagnostics] diagnose = true)");
  app_->add_option("--save", save_path_,
                   "Checkpoint to FILE (safetensors) after every epoch: weights, optimizer and schedule state, "
                   "random generators, config")
      ->type_name("FILE");
  app_->add_option("--save-every", save_every_,
                   "With --save, also checkpoint after every N updates inside an epoch, so that a killed run "
                   "loses at most N updates: --resume goes on with the same batch")
      ->type_name("N");
  app_->add_option("--resume", resume_path_,
                   "Continue from a checkpoint; --epochs (or train.epochs) stays the total, so a checkpoint "
                   "with k epochs done (epochs 0 to k-1) goes on with epoch k. Refused when it was trained on "
                   "other data")
      ->type_name("FILE");
  app_->add_option("--save-best", save_best_path_,
                   "Checkpoint to FILE each time the epoch's validation metric improves on the best so far "
                   "(train.early_stopping.metric, else val_loss; needs [data] validation)")
      ->type_name("FILE");
  app_->add_option("--init-from", init_from_,
                   "Start from the weights in FILE (safetensors, PyTorch's state_dict names, as descent export "
                   "writes them): overrides [model] init_from")
      ->type_name("FILE");
  std::vector<std::string_view> losses;
  for (const nn::LossType* loss : nn::loss_types()) losses.push_back(loss->name);
  app_->footer(kTrainFooter + nn::layers_help() + "\nLosses ([loss] name): " + util::join(losses) + "\n\n" +
               std::string(kExitStatusHelp));
}

bool TrainCommand::selected() const { return app_->parsed(); }

int TrainCommand::run(std::ostream& out, std::ostream& err) const {
  // Flags first: they need no file. Each is range-checked here; the config is checked whole by
  // parse_config, so a bad key is reported even when a flag overrides it.
  train::RunOptions options;
  if (epochs_) options.epochs = parse_int_flag("--epochs", *epochs_, 1);
  if (seed_) options.seed = parse_uint_flag("--seed", *seed_);
  if (threads_) options.threads = static_cast<int>(parse_int_flag("--threads", *threads_, 1, kMaxThreads));
  options.comm = &distributed::world();
  // Ranks sharing a machine share its cores: by default each takes its part, not all of them.
  if (!threads_ && distributed::local_size() > 1)
    options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / distributed::local_size());
  options.metrics_path = metrics_path_;
  options.trace_path = trace_path_;
  options.save_path = save_path_;
  if (save_every_) {
    options.save_every = parse_int_flag("--save-every", *save_every_, 1);
    if (save_path_.empty())
      throw ConfigError("--save-every " + *save_every_ + " needs --save FILE, the checkpoint it writes");
  }
  options.resume_path = resume_path_;
  options.save_best_path = save_best_path_;
  options.diagnose = diagnose_;
  options.warnings = &err;
  options.command = "descent train " + config_path_;

  train::TrainConfig config = train::parse_config(config_path_);
  if (!init_from_.empty()) config.model.init_from = init_from_;
  options.data_dir = train::data_dir_for(config, data_dir_, &err);
  // Under mpirun stdout is a pseudo-terminal whatever mpirun's own is: plain lines there.
  options.progress = &out == &std::cout && isatty(fileno(stdout)) && distributed::world().size() == 1;
  const StopSignals signals;
  options.stop = signals.flag();
  train::RunSummary summary;
  try {
    summary = train::run_training(config, options, out);
  } catch (const CheckpointWriteError& e) {
    err << "descent: " << e.what() << '\n';
    return kExitCheckFailed;
  }
  if (summary.stop_signal == 0) return kExitSuccess;
  err << "descent: stopped by " << (summary.stop_signal == SIGINT ? "SIGINT" : "SIGTERM") << " at "
      << summary.stopped_at;
  if (summary.saved) err << "; saved in " << save_path_ << ". Resume with:\n  " << resume_command(save_path_) << '\n';
  else err << "; nothing saved (no --save FILE): the run cannot be resumed\n";
  return exit_status_for_signal(summary.stop_signal);
}

std::string TrainCommand::resume_command(const std::string& checkpoint) const {
  std::vector<std::string> words = {"descent", "train", config_path_};
  auto flag = [&](const char* name, const std::string& value) {
    if (!value.empty()) words.insert(words.end(), {name, value});
  };
  flag("--data-dir", data_dir_.value_or(""));
  flag("--epochs", epochs_.value_or(""));
  flag("--seed", seed_.value_or(""));
  flag("--threads", threads_.value_or(""));
  flag("--metrics", metrics_path_);
  flag("--trace", trace_path_);
  flag("--save", save_path_);
  flag("--save-every", save_every_.value_or(""));
  flag("--save-best", save_best_path_);
  if (diagnose_) words.emplace_back("--diagnose");
  flag("--resume", checkpoint);
  std::vector<std::string> quoted;
  for (const std::string& word : words) quoted.push_back(util::shell_quote(word));
  return util::join(quoted, " ");
}

}  // namespace descent::cli
