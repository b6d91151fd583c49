#include "descent/train/epoch_report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "descent/error.hpp"
#include "descent/util/atomic_file.hpp"

namespace descent::train {
namespace {

// The lines of the metrics file at `path` whose epoch is before `first_epoch`, each ending in '\n'; ""
// when there is no file. A last line without its '\n' that does not parse is a write cut short, dropped.
std::string metrics_lines_before(const std::string& path, std::int64_t first_epoch) {
  std::ifstream in(path);
  if (!in) return {};
  std::string kept, line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("epoch") && j["epoch"].is_number_integer()) {
      if (j["epoch"].get<std::int64_t>() < first_epoch) kept.append(line).append("\n");
    } else if (!in.eof()) {
      throw IoError(path + ":" + std::to_string(number) +
                    ": not a line of descent train --metrics (a JSON object with an integer \"epoch\"); the file "
                    "is kept as it is");
    }
  }
  return kept;
}

}  // namespace

std::string epoch_line(TaskKind kind, const EpochResult& r) {
  const auto epoch = static_cast<long long>(r.epoch);
  const auto correct = static_cast<long long>(r.test_correct), total = static_cast<long long>(r.test_total);
  char line[200];
  switch (kind) {
    case TaskKind::Classification:
      std::snprintf(line, sizeof line, "Epoch %lld: %lld / %lld  (train loss %.6f, %.2f s, %.0f samples/s)\n", epoch,
                    correct, total, r.train_loss, r.seconds, r.samples_per_second);
      break;
    case TaskKind::Pairs:
      std::snprintf(line, sizeof line,
                    "Epoch %lld: %lld / %lld pairs  (threshold %.4g, train loss %.6f, %.2f s, %.0f pairs/s)\n", epoch,
                    correct, total, r.threshold, r.train_loss, r.seconds, r.samples_per_second);
      break;
    case TaskKind::Regression:
      std::snprintf(line, sizeof line, "Epoch %lld: loss %.10g  (%.2f s)\n", epoch, r.test_loss, r.seconds);
      break;
  }
  return line;
}

std::string metrics_line(TaskKind kind, const EpochResult& r) {
  nlohmann::json j = {{"epoch", r.epoch},
                      {"train_loss", r.train_loss},
                      {"seconds", r.seconds},
                      {"samples_per_second", r.samples_per_second},
                      {"lr", r.lr}};
  if (kind == TaskKind::Regression) {
    j["test_loss"] = r.test_loss;
  } else {
    j["test_correct"] = r.test_correct;
    j["test_total"] = r.test_total;
    j["test_accuracy"] = r.test_total ? static_cast<double>(r.test_correct) / static_cast<double>(r.test_total) : 0.0;
  }
  if (kind == TaskKind::Pairs) j["threshold"] = r.threshold;
  if (r.diagnosed) {
    j["diagnosis_seconds"] = r.diagnosis_seconds;
    j["findings"] = nlohmann::json::array();
    for (const diagnostics::Finding& f : r.findings)
      j["findings"].push_back({{"cause", f.cause},
                               {"severity", diagnostics::severity_name(f.severity)},
                               {"where", f.where},
                               {"step", f.step},
                               {"evidence", f.evidence},
                               {"fix_text", f.fix_text}});
  }
  return j.dump();
}

EpochReporter::EpochReporter(TaskKind kind, std::ostream& out, const std::string& metrics_path,
                             std::int64_t first_epoch)
    : kind_(kind), out_(out) {
  if (metrics_path.empty()) return;
  if (first_epoch > 0) {
    const std::string kept = metrics_lines_before(metrics_path, first_epoch);
    util::write_file_atomically(
        metrics_path, [&](std::ostream& file) { file << kept; }, "the metrics");
    metrics_.open(metrics_path, std::ios::app);
  } else {
    metrics_.open(metrics_path, std::ios::trunc);
  }
  if (!metrics_) throw IoError(metrics_path + ": cannot open the metrics file for writing");
}

void EpochReporter::report(const EpochResult& result) {
  out_ << epoch_line(kind_, result) << std::flush;
  if (metrics_.is_open()) metrics_ << metrics_line(kind_, result) << '\n' << std::flush;
}

}  // namespace descent::train
