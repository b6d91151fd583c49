// The JSON of `descent doctor --json`: {"healthy", "steps_run", "seconds", "findings": [...],
// "fix_result"}; fix values are TOML text that is JSON too (numbers, strings, booleans, lists).
#include <nlohmann/json.hpp>

#include <cmath>

#include "descent/train/doctor.hpp"

namespace descent::train {
namespace {

nlohmann::json metrics(const RunMetrics& m) {
  auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"test_accuracy", number(m.test_accuracy)},
          {"test_loss", number(m.test_loss)},
          {"train_loss", number(m.train_loss)}};
}

nlohmann::json change(const std::vector<std::pair<std::string, std::string>>& keys) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : keys) j[key] = nlohmann::json::parse(value);
  return j;
}

}  // namespace

std::string doctor_json(const DoctorReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const diagnostics::Finding& f : r.findings)
    findings.push_back({{"cause", f.cause},
                        {"severity", diagnostics::severity_name(f.severity)},
                        {"where", f.where},
                        {"step", f.step},
                        {"evidence", f.evidence},
                        {"fix", f.fix.empty() ? nlohmann::json(nullptr) : change(f.fix)},
                        {"fix_text", f.fix_text}});
  nlohmann::json j = {{"healthy", r.healthy}, {"steps_run", r.steps_run},      {"planned_steps", r.planned_steps},
                      {"seconds", r.seconds}, {"metrics", metrics(r.metrics)}, {"findings", findings}};
  if (r.fix_result)
    j["fix_result"] = {{"applied", change(r.fix_result->applied)},
                       {"before", metrics(r.fix_result->before)},
                       {"after", metrics(r.fix_result->after)},
                       {"confirmed", r.fix_result->confirmed}};
  return j.dump(2);
}

}  // namespace descent::train
