#include "descent/train/epoch_report.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "descent/error.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

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

namespace {

std::string count(std::int64_t n) { return std::to_string(n); }

// "9011 / 10000"
std::string of(std::int64_t correct, std::int64_t total) { return count(correct) + " / " + count(total); }

double fraction(std::int64_t correct, std::int64_t total) {
  return total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

}  // namespace

std::string epoch_line(TaskKind kind, const EpochResult& r) {
  using util::format_number;
  const std::string head = "Epoch " + count(r.epoch) + ": ";
  const std::string seconds = format_number(r.seconds, ".2f") + " s";
  std::vector<std::string> parts;
  switch (kind) {
    case TaskKind::Classification:
      parts.push_back("train loss " + format_number(r.train_loss, ".6f"));
      if (r.validated) {
        parts.push_back("val loss " + format_number(r.val_loss, ".6f"));
        parts.push_back("val " + of(r.val_correct, r.val_total));
      }
      if (r.test_loss_measured) parts.push_back("test loss " + format_number(r.test_loss, ".6f"));
      parts.push_back(seconds);
      parts.push_back(format_number(r.samples_per_second, ".0f") + " samples/s");
      return head + of(r.test_correct, r.test_total) + "  (" + util::join(parts) + ")\n";
    case TaskKind::Pairs:
      parts = {"threshold " + format_number(r.threshold, ".4g"), "train loss " + format_number(r.train_loss, ".6f"),
               seconds, format_number(r.samples_per_second, ".0f") + " pairs/s"};
      return head + of(r.test_correct, r.test_total) + " pairs  (" + util::join(parts) + ")\n";
    case TaskKind::Regression:
      if (r.validated) parts.push_back("val loss " + format_number(r.val_loss, ".10g"));
      parts.push_back(seconds);
      return head + "loss " + format_number(r.test_loss, ".10g") + "  (" + util::join(parts) + ")\n";
  }
  return head + "\n";
}

std::string metrics_line(TaskKind kind, const EpochResult& r) {
  nlohmann::json j = {{"epoch", r.epoch},
                      {"train_loss", r.train_loss},
                      {"seconds", r.seconds},
                      {"samples_per_second", r.samples_per_second},
                      {"lr", r.lr}};
  if (kind == TaskKind::Regression || r.test_loss_measured) j["test_loss"] = r.test_loss;
  if (kind != TaskKind::Regression) {
    j["test_correct"] = r.test_correct;
    j["test_total"] = r.test_total;
    j["test_accuracy"] = fraction(r.test_correct, r.test_total);
  }
  if (kind == TaskKind::Pairs) j["threshold"] = r.threshold;
  if (r.validated) {
    j["val_loss"] = r.val_loss;
    if (kind != TaskKind::Regression) {
      j["val_correct"] = r.val_correct;
      j["val_total"] = r.val_total;
      j["val_accuracy"] = fraction(r.val_correct, r.val_total);
    }
  }
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
