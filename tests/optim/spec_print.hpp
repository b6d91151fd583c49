#pragma once
// How GoogleTest prints an optimizer or scheduler spec in a parameterised test's name and failures:
// "adam lr=0.05 betas=0.9,0.999" instead of the bytes of the struct.
#include <ostream>

#include "descent/optim/lr_scheduler/scheduler_spec.hpp"
#include "descent/optim/optimizer_spec.hpp"

namespace descent::optim {

inline void print_spec(const std::string& name, const std::vector<std::pair<std::string, std::string>>& options,
                       std::ostream* os) {
  *os << name;
  for (const auto& [key, value] : options) *os << ' ' << key << '=' << value;
}

inline void PrintTo(const OptimizerSpec& spec, std::ostream* os) { print_spec(spec.name, spec.options, os); }
inline void PrintTo(const SchedulerSpec& spec, std::ostream* os) { print_spec(spec.name, spec.options, os); }

}  // namespace descent::optim
