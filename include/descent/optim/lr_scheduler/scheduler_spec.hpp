#pragma once
// Learning-rate schedules by name, as the config file gives them: a lower-case name and its options
// written as text, as OptimizerSpec does for optimizers (optimizer_spec.hpp).
//   SchedulerSpec spec{"steplr", {{"step_size", "30"}, {"gamma", "0.1"}}};
//   std::unique_ptr<LRScheduler> s = make_scheduler(spec, *optimizer);
// Names: steplr, multisteplr, exponentiallr, cosineannealinglr, linearlr, onecyclelr,
// reducelronplateau. Options: PyTorch's names (T_max keeps its capital); integers (30), numbers
// (0.1), flags (true | false), names (cos, min) and, for milestones, integers separated by commas
// (30,80). Unknown keys and bad values are errors naming them, as for optimizers.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "descent/optim/lr_scheduler/lr_scheduler.hpp"
#include "descent/optim/option_field.hpp"

namespace descent::optim {

struct SchedulerSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
};

std::unique_ptr<LRScheduler> make_scheduler(const SchedulerSpec& spec, Optimizer& optimizer);
// Throws what make_scheduler would for these options, building nothing (the checks that need the
// optimizer, such as OneCycleLR's need of momentum, wait for make_scheduler).
void check_scheduler_spec(const SchedulerSpec& spec);

std::vector<std::string> scheduler_names();
// The options a schedule takes; ValueError for an unknown name.
std::vector<std::string> scheduler_option_names(const std::string& name);
std::vector<OptionInfo> scheduler_options(const std::string& name);

}  // namespace descent::optim
