#include "descent/optim/lr_scheduler/scheduler_spec.hpp"

#include <array>

#include "descent/error.hpp"
#include "descent/optim/lr_scheduler/cosine_annealing_lr.hpp"
#include "descent/optim/lr_scheduler/exponential_lr.hpp"
#include "descent/optim/lr_scheduler/linear_lr.hpp"
#include "descent/optim/lr_scheduler/multi_step_lr.hpp"
#include "descent/optim/lr_scheduler/one_cycle_lr.hpp"
#include "descent/optim/lr_scheduler/reduce_lr_on_plateau.hpp"
#include "descent/optim/lr_scheduler/step_lr.hpp"

namespace descent::optim {
namespace {

// One row per schedule. make() without an optimizer only parses and checks the options.
struct SchedulerEntry {
  std::string_view name;
  std::unique_ptr<LRScheduler> (*make)(const NameValuePairs& options, Optimizer* optimizer);
  std::vector<OptionInfo> (*options)();
};

template <class Schedule, class Options>
std::unique_ptr<LRScheduler> make(const NameValuePairs& options, Optimizer* optimizer) {
  Options o = options_from_text<Options>(options);
  if (!optimizer) return nullptr;
  return std::make_unique<Schedule>(*optimizer, std::move(o));
}

template <class Schedule, class Options>
SchedulerEntry entry(std::string_view name) {
  return {name, make<Schedule, Options>, option_infos<Options>};
}

const std::array<SchedulerEntry, 7> kSchedulers = {
    entry<StepLR, StepLROptions>("steplr"),
    entry<MultiStepLR, MultiStepLROptions>("multisteplr"),
    entry<ExponentialLR, ExponentialLROptions>("exponentiallr"),
    entry<CosineAnnealingLR, CosineAnnealingLROptions>("cosineannealinglr"),
    entry<LinearLR, LinearLROptions>("linearlr"),
    entry<OneCycleLR, OneCycleLROptions>("onecyclelr"),
    entry<ReduceLROnPlateau, ReduceLROnPlateauOptions>("reducelronplateau"),
};

const SchedulerEntry& find_scheduler(const std::string& name) {
  for (const SchedulerEntry& e : kSchedulers)
    if (e.name == name) return e;
  std::vector<std::string_view> known;
  for (const SchedulerEntry& e : kSchedulers) known.push_back(e.name);
  throw ValueError("unknown scheduler \"" + name + "\" (known: " + join(known) + ")");
}

}  // namespace

std::unique_ptr<LRScheduler> make_scheduler(const SchedulerSpec& spec, Optimizer& optimizer) {
  return find_scheduler(spec.name).make(spec.options, &optimizer);
}

void check_scheduler_spec(const SchedulerSpec& spec) { find_scheduler(spec.name).make(spec.options, nullptr); }

std::vector<std::string> scheduler_names() {
  std::vector<std::string> out;
  for (const SchedulerEntry& e : kSchedulers) out.emplace_back(e.name);
  return out;
}

std::vector<std::string> scheduler_option_names(const std::string& name) {
  std::vector<std::string> out;
  for (const OptionInfo& info : find_scheduler(name).options()) out.push_back(info.name);
  return out;
}

std::vector<OptionInfo> scheduler_options(const std::string& name) { return find_scheduler(name).options(); }

}  // namespace descent::optim
