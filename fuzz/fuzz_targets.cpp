#include "fuzz_targets.hpp"

namespace descent::fuzz {

std::span<const FuzzTarget> fuzz_targets() {
  static constexpr FuzzTarget kTargets[] = {
      {"config", fuzz_config}, {"expression", fuzz_expression},   {"idx", fuzz_idx},
      {"plot", fuzz_plot},     {"safetensors", fuzz_safetensors},
  };
  return kTargets;
}

}  // namespace descent::fuzz
