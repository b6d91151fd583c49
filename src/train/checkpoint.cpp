#include "descent/train/checkpoint.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "checkpoint_run_state.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/error.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

constexpr const char* kFormat = "descent-checkpoint-1";
constexpr std::string_view kOptimizerPrefix = "optimizer.";
constexpr std::string_view kOptimizerScalar = "optimizer_scalar.";
constexpr std::string_view kSchedulerScalar = "scheduler.";

// "%a": a hexadecimal float, which strtod reads back to the same bits.
using util::exact_number;

std::string exact_list(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double v : values) parts.push_back(exact_number(v));
  return util::join(parts, ",");
}

double read_exact(const std::string& path, const std::string& key, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw IoError(path + ": metadata " + key + " = \"" + util::excerpt(text) + "\": expected a number");
  return v;
}

// A count the checkpoint wrote with std::to_string (epochs_done, step): digits only, read back exactly;
// a negative, fractional, non-finite or out-of-range value would run a resumed training forever. At
// most 10^15 (a billion updates a second for 11 days), so that counting on from it cannot overflow.
std::int64_t read_count(const std::string& path, const std::string& key, const std::string& text) {
  constexpr std::int64_t kMaxCount = 1'000'000'000'000'000;
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 || v > kMaxCount)
    throw IoError(path + ": metadata " + key + " = \"" + util::excerpt(text) +
                  "\": expected an integer from 0 to 10^15");
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

// A list exact_list wrote: hexadecimal floats separated by commas.
std::vector<double> read_exact_list(const std::string& path, const std::string& key, const std::string& text) {
  std::vector<double> values;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    values.push_back(read_exact(path, key, text.substr(start, comma - start)));
    if (comma == std::string::npos) return values;
    start = comma + 1;
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const TrainConfig& config, const TrainingParts& parts,
                     TrainingProgress progress) {
  data::SafetensorsFile f;
  for (const auto& [name, t] : parts.model.state_dict()) f.tensors[name] = t;
  const optim::OptimizerState opt = parts.optimizer.state_dict();
  for (const auto& [key, t] : opt.tensors) f.tensors[std::string(kOptimizerPrefix) + key] = t;
  for (const auto& [key, v] : opt.scalars) f.metadata[std::string(kOptimizerScalar) + key] = exact_number(v);
  if (parts.scheduler)
    for (const auto& [key, v] : parts.scheduler->state_dict())
      f.metadata[std::string(kSchedulerScalar) + key] = exact_number(v);
  f.metadata["format"] = kFormat;
  f.metadata["epochs_done"] = std::to_string(progress.epochs_done);
  f.metadata["step"] = std::to_string(progress.step);
  f.metadata["loader_generator"] = parts.loader.generator_state();
  f.metadata["default_generator"] = default_generator().state();
  f.metadata["optimizer"] = std::string(parts.optimizer.name());
  f.metadata["config_path"] = config.path;
  f.metadata["config"] = file_text(config.path);
  if (progress.first_losses > 0) {
    f.metadata["first_losses_mean"] = exact_number(progress.first_losses_mean);
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
  progress.epochs_done = read_count(path, "epochs_done", metadata(f, path, "epochs_done"));
  progress.step = read_count(path, "step", metadata(f, path, "step"));
  if (f.metadata.contains("first_losses")) {
    progress.first_losses_mean = read_exact(path, "first_losses_mean", metadata(f, path, "first_losses_mean"));
    progress.first_losses = read_count(path, "first_losses", f.metadata.at("first_losses"));
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

TrainedModel load_trained_model(const std::string& path, const TrainConfig& config, nn::Module& model) {
  const data::SafetensorsFile f = data::load_safetensors(path);
  load_model_state(f, path, config, model);
  TrainedModel trained{read_fingerprint(f.metadata), std::nullopt};
  if (f.metadata.contains("input_mean") || f.metadata.contains("input_std")) {
    data::ChannelStats stats{read_exact_list(path, "input_mean", metadata(f, path, "input_mean")),
                             read_exact_list(path, "input_std", metadata(f, path, "input_std"))};
    if (stats.mean.size() != stats.std.size())
      throw IoError(path + ": metadata input_mean holds " + std::to_string(stats.mean.size()) +
                    " values and input_std " + std::to_string(stats.std.size()) + ": expected one of each per channel");
    trained.input_stats = std::move(stats);
  }
  return trained;
}

}  // namespace descent::train
