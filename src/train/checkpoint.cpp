#include "descent/train/checkpoint.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "checkpoint_run_state.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

constexpr const char* kFormat = "descent-checkpoint-1";
constexpr std::string_view kOptimizerPrefix = "optimizer.";
constexpr std::string_view kOptimizerScalar = "optimizer_scalar.";
constexpr std::string_view kSchedulerScalar = "scheduler.";

// "%a": a hexadecimal float, which strtod reads back to the same bits.
std::string exact(double v) { return util::format_number(v, "a"); }

std::string exact_list(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double v : values) parts.push_back(exact(v));
  return util::join(parts, ",");
}

double read_exact(const std::string& path, const std::string& key, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw IoError(path + ": metadata " + key + " = \"" + text + "\": expected a number");
  return v;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ConfigError mismatch(const std::string& path, const TrainConfig& config, const std::string& what) {
  return ConfigError(path + ": the checkpoint does not fit the model of " + config.path + ": " + what);
}

// The model's parameters and buffers: every tensor but the optimizer's.
void load_model_state(const data::SafetensorsFile& f, const std::string& path, const TrainConfig& config,
                      nn::Module& model) {
  std::map<std::string, Tensor> model_state;
  for (const auto& [name, t] : f.tensors)
    if (!name.starts_with(kOptimizerPrefix)) model_state[name] = t;
  for (const auto& [name, t] : model.state_dict()) {
    auto it = model_state.find(name);
    if (it != model_state.end() && it->second.dtype() != t.dtype())
      throw mismatch(path, config,
                     "\"" + name + "\" is " + std::string(to_string(it->second.dtype())) + ", the model's is " +
                         std::string(to_string(t.dtype())));
  }
  try {
    model.load_state_dict(model_state);
  } catch (const ValueError& e) {
    throw mismatch(path, config, e.what());
  }
}

const std::string& metadata(const data::SafetensorsFile& f, const std::string& path, const std::string& key) {
  auto it = f.metadata.find(key);
  if (it == f.metadata.end()) throw IoError(path + ": not a descent checkpoint: the metadata lacks \"" + key + "\"");
  return it->second;
}

}  // namespace

void save_checkpoint(const std::string& path, const TrainConfig& config, const TrainingParts& parts,
                     TrainingProgress progress) {
  data::SafetensorsFile f;
  for (const auto& [name, t] : parts.model.state_dict()) f.tensors[name] = t;
  const optim::OptimizerState opt = parts.optimizer.state_dict();
  for (const auto& [key, t] : opt.tensors) f.tensors[std::string(kOptimizerPrefix) + key] = t;
  for (const auto& [key, v] : opt.scalars) f.metadata[std::string(kOptimizerScalar) + key] = exact(v);
  if (parts.scheduler)
    for (const auto& [key, v] : parts.scheduler->state_dict())
      f.metadata[std::string(kSchedulerScalar) + key] = exact(v);
  f.metadata["format"] = kFormat;
  f.metadata["epochs_done"] = std::to_string(progress.epochs_done);
  f.metadata["step"] = std::to_string(progress.step);
  f.metadata["loader_generator"] = parts.loader.generator_state();
  f.metadata["default_generator"] = default_generator().state();
  f.metadata["optimizer"] = std::string(parts.optimizer.name());
  f.metadata["config_path"] = config.path;
  f.metadata["config"] = file_text(config.path);
  if (progress.first_losses > 0) {
    f.metadata["first_losses_mean"] = exact(progress.first_losses_mean);
    f.metadata["first_losses"] = std::to_string(progress.first_losses);
  }
  if (progress.data) write_fingerprint(*progress.data, f.metadata);
  write_run_state(progress, parts.loader, f.metadata);
  if (parts.input_stats) {
    f.metadata["input_mean"] = exact_list(parts.input_stats->mean);
    f.metadata["input_std"] = exact_list(parts.input_stats->std);
  }
  data::save_safetensors(path, f);
}

TrainingProgress load_checkpoint(const std::string& path, const TrainConfig& config, const TrainingParts& parts) {
  const data::SafetensorsFile f = data::load_safetensors(path);
  if (metadata(f, path, "format") != kFormat)
    throw IoError(path + ": format \"" + metadata(f, path, "format") + "\": expected " + kFormat);
  if (metadata(f, path, "optimizer") != parts.optimizer.name())
    throw mismatch(path, config,
                   "it was saved with " + metadata(f, path, "optimizer") + ", the config uses " +
                       std::string(parts.optimizer.name()));
  load_model_state(f, path, config, parts.model);
  optim::OptimizerState opt;
  for (const auto& [name, t] : f.tensors)
    if (name.starts_with(kOptimizerPrefix)) opt.tensors[name.substr(kOptimizerPrefix.size())] = t;
  optim::SchedulerState schedule;
  for (const auto& [key, value] : f.metadata) {
    if (key.starts_with(kOptimizerScalar))
      opt.scalars[key.substr(kOptimizerScalar.size())] = read_exact(path, key, value);
    if (key.starts_with(kSchedulerScalar)) schedule[key.substr(kSchedulerScalar.size())] = read_exact(path, key, value);
  }
  try {
    parts.optimizer.load_state_dict(opt);
    if (parts.scheduler) parts.scheduler->load_state_dict(schedule);
  } catch (const ValueError& e) {
    throw mismatch(path, config, e.what());
  }
  if (!parts.scheduler && !schedule.empty())
    throw mismatch(path, config, "it holds a learning-rate schedule; the config has none");
  parts.loader.set_generator_state(metadata(f, path, "loader_generator"));
  default_generator().set_state(metadata(f, path, "default_generator"));
  TrainingProgress progress;
  progress.epochs_done = static_cast<std::int64_t>(read_exact(path, "epochs_done", metadata(f, path, "epochs_done")));
  progress.step = static_cast<std::int64_t>(read_exact(path, "step", metadata(f, path, "step")));
  if (f.metadata.contains("first_losses")) {
    progress.first_losses_mean = read_exact(path, "first_losses_mean", metadata(f, path, "first_losses_mean"));
    progress.first_losses = static_cast<std::int64_t>(read_exact(path, "first_losses", f.metadata.at("first_losses")));
  }
  progress.data = read_fingerprint(f.metadata);
  read_run_state(path, f.metadata, parts.loader, progress);
  return progress;
}

std::optional<DataFingerprint> load_weights(const std::string& path, const TrainConfig& config, nn::Module& model) {
  const data::SafetensorsFile f = data::load_safetensors(path);
  load_model_state(f, path, config, model);
  return read_fingerprint(f.metadata);
}

}  // namespace descent::train
