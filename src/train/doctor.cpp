#include "descent/train/doctor.hpp"

#include <chrono>
#include <cmath>
#include <iostream>

#include "descent/data/data_loader.hpp"
#include "descent/diagnostics/check_findings.hpp"
#include "descent/diagnostics/model_check.hpp"
#include "descent/error.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/train/doctor_fix.hpp"
#include "descent/train/inspect_run.hpp"
#include "descent/train/model_from_config.hpp"
#include "descent/train/run.hpp"
#include "descent/train/train_loader.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/number_text.hpp"
#include "doctor_session.hpp"

namespace descent::train {
namespace {

using diagnostics::Finding;
using diagnostics::Severity;

constexpr std::int64_t kDefaultBudget = 2000;

std::string num(double x) { return util::format_number(x, ".4g"); }
std::string percent(double x) { return std::isfinite(x) ? num(100 * x) + "%" : std::string("n/a"); }

// Everything looked at before training: the data, the model and loss, the optimizer, then both checks
// on the first batch training draws.
std::vector<Finding> static_findings(const TrainConfig& config, const TrainData& data, std::ostream& out) {
  Generator init_gen(config.seed);
  auto model = build_network(config, init_gen);
  std::vector<Finding> found = inspect_run(config, data, *model);

  // The checks of `descent check`, on a small first batch: a wrong backward shows on a few examples.
  const LossFn loss = build_loss(config);
  data::DataLoaderOptions batches = train_loader_options(config, data.train.size());
  batches.batch_size = std::min<std::int64_t>(batches.batch_size, 16);
  data::DataLoader loader(data.train, batches);
  data::Batch batch;
  loader.next(batch);
  diagnostics::ModelCheckOptions check;
  check.gradients.samples = 20;
  check.gradients.seed = config.seed;
  const auto result = diagnostics::check_model(
      *model, loss, batch.inputs, batch.targets,
      [&](const optim::NamedParameters& named) { return optim::make_optimizer(config.optim, named); }, check);
  out << "checks on the first batch: gradients " << (result.gradients.passed ? "agree" : "DISAGREE")
      << " with central differences; one step " << (result.descent.passed() ? "goes downhill" : "goes UPHILL") << "\n";
  for (Finding& f : diagnostics::check_findings(result)) found.push_back(std::move(f));
  return found;
}

// Suspect settings (warnings before training) become the verdict when training fails in a way they
// explain: a problem among `explains`, or a loss that fell less than 30% with no problem named.
void escalate(std::vector<Finding>& findings, double progress) {
  struct Suspect {
    std::string_view cause;
    std::vector<std::string_view> explains;
  };
  static const std::vector<Suspect> suspects = {
      {"bad_init", {"saturation", "dead_relu", "vanishing_gradient", "exploding_gradient", "nonfinite"}},
      {"bad_optimizer_setting",
       {"lr_too_high", "lr_too_low", "exploding_gradient", "dead_relu", "nonfinite", "no_signal"}},
      {"over_regularization", {"lr_too_low", "vanishing_gradient", "saturation", "dead_relu", "no_signal"}}};
  const bool quiet_failure = diagnostics::is_healthy(findings) && progress < 0.3;
  for (const Suspect& s : suspects) {
    bool explained = quiet_failure;
    for (const Finding& f : findings)
      for (std::string_view symptom : s.explains)
        explained = explained || (f.severity == Severity::Problem && f.cause == symptom);
    if (!explained) continue;
    for (Finding& f : findings)
      if (f.severity == Severity::Warning && f.cause == s.cause) f.severity = Severity::Problem;
  }
}

void print_verdict(const DoctorReport& r, std::ostream& out) {
  out << "\n";
  if (r.healthy) {
    out << "Verdict: healthy after " << r.steps_run << " of " << r.planned_steps << " planned updates";
  } else {
    out << "Verdict: " << r.findings.front().cause << " (root cause), after " << r.steps_run << " of "
        << r.planned_steps << " planned updates";
  }
  out << " (" << num(r.seconds) << " s; test accuracy " << percent(r.metrics.test_accuracy) << ", train loss "
      << num(r.metrics.train_loss) << ")\n";
  for (const Finding& f : r.findings) out << "- " << diagnostics::describe(f) << "\n";
}

bool clearly_better(const RunMetrics& before, const RunMetrics& after) {
  const bool accuracy = std::isnan(before.test_accuracy) || after.test_accuracy >= before.test_accuracy + 0.02 ||
                        (!std::isfinite(before.train_loss) && after.test_accuracy > before.test_accuracy);
  const auto lower = [](double b, double a) { return std::isfinite(a) && (!std::isfinite(b) || a < 0.95 * b); };
  return std::isfinite(after.train_loss) && accuracy &&
         (lower(before.train_loss, after.train_loss) || lower(before.test_loss, after.test_loss));
}

}  // namespace

DoctorReport run_doctor(const std::string& config_path, const DoctorOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  TrainConfig config = parse_config(config_path);
  if (options.seed) config.seed = *options.seed;
  if (options.threads > 0) kernels::set_num_threads(options.threads);
  const std::string dir = data_dir_for(config, options.data_dir, options.warnings ? options.warnings : &std::cerr);
  const std::string data_dir = !dir.empty() ? dir : "the config";
  const TrainData data = load_data(config, data_dir);

  DoctorReport report;
  report.planned_steps = planned_updates(config, data);
  const std::int64_t budget = std::min(report.planned_steps, options.max_steps.value_or(kDefaultBudget));
  out << "descent doctor " << config_path << ": up to " << budget << " of " << report.planned_steps
      << " planned updates, data from " << data_dir << "\n";

  std::vector<Finding> found = static_findings(config, data, out);
  for (const Finding& f : found)
    out << "  before training: " << f.cause << " (" << diagnostics::severity_name(f.severity) << ")\n";
  out << "training, watching gradients, updates, units and the loss...\n";
  const SessionResult run = run_session(config, data,
                                        {.budget = budget,
                                         .stop_early = true,
                                         // --try-fix compares at equal updates: enough for a fix to show.
                                         .min_steps = options.try_fix ? 500 : 100,
                                         .known_problem = !diagnostics::is_healthy(found),
                                         .live = &out});
  for (const Finding& f : run.findings) found.push_back(f);
  escalate(found, run.progress);
  for (Finding& f : found) f.fix = config_fix(f, config);
  diagnostics::order_findings(found);
  report.findings = found;
  report.healthy = diagnostics::is_healthy(found);
  report.steps_run = run.steps_run;
  report.metrics = run.metrics;

  if (options.try_fix && !report.healthy && !report.findings.front().fix.empty()) {
    FixResult fix;
    fix.applied = report.findings.front().fix;
    fix.before = run.metrics;
    TrainConfig fixed;
    try {
      fixed = apply_config_change(config_path, fix.applied);
    } catch (const ConfigError& e) {
      throw ConfigError(std::string("--try-fix: the fix does not apply: ") + e.what());
    }
    if (options.seed) fixed.seed = *options.seed;
    const TrainData fixed_data = load_data(fixed, data_dir);
    // The same number of updates; a run that was its whole plan is compared with the fixed plan, under
    // the same cap.
    const std::int64_t same =
        run.steps_run >= report.planned_steps
            ? std::min(planned_updates(fixed, fixed_data), options.max_steps.value_or(kDefaultBudget))
            : run.steps_run;
    const SessionResult after =
        run_session(fixed, fixed_data, {.budget = std::max<std::int64_t>(same, 1), .stop_early = false});
    fix.after = after.metrics;
    fix.after_steps = after.steps_run;
    fix.confirmed = clearly_better(fix.before, fix.after);
    report.fix_result = fix;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_verdict(report, out);
  if (report.fix_result) {
    const FixResult& f = *report.fix_result;
    out << "try-fix: " << (f.confirmed ? "CONFIRMED" : "not confirmed") << ": test accuracy "
        << percent(f.before.test_accuracy) << " -> " << percent(f.after.test_accuracy) << ", train loss "
        << num(f.before.train_loss) << " -> " << num(f.after.train_loss) << " after " << report.steps_run
        << (f.after_steps == report.steps_run ? " updates each" : " and " + std::to_string(f.after_steps) + " updates")
        << "\n";
  } else if (options.try_fix && !report.healthy) {
    out << "try-fix: nothing to apply: " << report.findings.front().cause << " has no fix in the config's keys ("
        << report.findings.front().fix_text << ")\n";
  }
  if (!options.json_path.empty())
    util::write_file_atomically(options.json_path, [&](std::ostream& file) { file << doctor_json(report) << "\n"; });
  return report;
}

}  // namespace descent::train
