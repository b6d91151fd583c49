#include "checkpoint_run_state.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "descent/error.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

using util::exact_number;

IoError malformed(const std::string& path, const std::string& key, const std::string& value, const char* expected) {
  return IoError(path + ": metadata " + key + " = \"" + value + "\": expected " + expected);
}

const std::string& text(const std::string& path, const Metadata& metadata, const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) throw IoError(path + ": the metadata lacks \"" + key + "\"");
  return it->second;
}

std::int64_t count(const std::string& path, const Metadata& metadata, const std::string& key) {
  const std::string& value = text(path, metadata, key);
  std::int64_t n = -1;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size() || n < 0)
    throw malformed(path, key, value, "an integer >= 0");
  return n;
}

double finite(const std::string& path, const Metadata& metadata, const std::string& key) {
  const std::string& value = text(path, metadata, key);
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v)) throw malformed(path, key, value, "a finite number");
  return v;
}

void write_best(const std::string& prefix, const BestMetric::State& state, Metadata& metadata) {
  metadata[prefix + ".best"] = exact_number(state.best);
  metadata[prefix + ".best_epoch"] = std::to_string(state.best_epoch);
  metadata[prefix + ".wait"] = std::to_string(state.wait);
}

std::optional<BestMetric::State> read_best(const std::string& path, const std::string& prefix,
                                           const Metadata& metadata) {
  if (!metadata.contains(prefix + ".best")) return std::nullopt;
  BestMetric::State state{.best = finite(path, metadata, prefix + ".best"),
                          .wait = count(path, metadata, prefix + ".wait")};
  // -1: no epoch has improved yet.
  const std::string& epoch = text(path, metadata, prefix + ".best_epoch");
  state.best_epoch = epoch == "-1" ? -1 : count(path, metadata, prefix + ".best_epoch");
  return state;
}

}  // namespace

void write_run_state(const TrainingProgress& progress, const data::DataLoader& loader, Metadata& metadata) {
  if (progress.in_epoch) {
    const EpochPosition& at = *progress.in_epoch;
    metadata["epoch_batches"] = std::to_string(at.batches);
    metadata["epoch_samples"] = std::to_string(at.samples);
    metadata["epoch_loss_sum"] = exact_number(at.loss_sum);
    metadata["epoch_lr"] = exact_number(at.lr);
    metadata["epoch_seconds"] = exact_number(at.seconds);
    const data::DataLoader::Position position = loader.position();
    metadata["loader_epoch_generator"] = position.epoch_generator;
    metadata["loader_rows"] = std::to_string(position.rows);
    if (!position.augment_generator.empty()) metadata["loader_augment_generator"] = position.augment_generator;
  }
  if (progress.early_stopping) write_best("early_stopping", *progress.early_stopping, metadata);
  if (progress.save_best) write_best("save_best", *progress.save_best, metadata);
}

void read_run_state(const std::string& path, const Metadata& metadata, data::DataLoader& loader,
                    TrainingProgress& progress) {
  progress.early_stopping = read_best(path, "early_stopping", metadata);
  progress.save_best = read_best(path, "save_best", metadata);
  if (!metadata.contains("epoch_batches")) return;
  EpochPosition at;
  at.batches = count(path, metadata, "epoch_batches");
  at.samples = count(path, metadata, "epoch_samples");
  at.loss_sum = finite(path, metadata, "epoch_loss_sum");
  at.lr = finite(path, metadata, "epoch_lr");
  at.seconds = finite(path, metadata, "epoch_seconds");
  if (at.seconds < 0) throw malformed(path, "epoch_seconds", metadata.at("epoch_seconds"), "a number >= 0");
  progress.in_epoch = at;
  const auto augment = metadata.find("loader_augment_generator");
  try {
    loader.set_position({.epoch_generator = text(path, metadata, "loader_epoch_generator"),
                         .rows = count(path, metadata, "loader_rows"),
                         .augment_generator = augment == metadata.end() ? std::string() : augment->second});
  } catch (const ValueError& e) {
    throw IoError(path + ": the data order's position (loader_epoch_generator, loader_rows): " + e.what());
  }
  // The order drawn again leaves the generator where the saved run's was: else the file is not whole.
  if (loader.generator_state() != text(path, metadata, "loader_generator"))
    throw IoError(path + ": metadata loader_epoch_generator and loader_generator disagree: a corrupt checkpoint");
}

}  // namespace descent::train
