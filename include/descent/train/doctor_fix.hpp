#pragma once
// A finding's fix as a config change: the keys (dotted, as error messages name them) and their new
// values as TOML text, chosen from what the config says (the MLP form or the layer form, the keys it
// sets), and the config with such a change applied.
#include <string>
#include <utility>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

using ConfigChange = std::vector<std::pair<std::string, std::string>>;

// The change that fixes `finding` in `config`, or empty when no config key does (wrong data, a
// hand-written backward).
ConfigChange config_fix(const diagnostics::Finding& finding, const TrainConfig& config);

// The config at `path` with `change` applied, parsed and checked as parse_config does. Throws
// ConfigError when a key of the change cannot be set.
TrainConfig apply_config_change(const std::string& path, const ConfigChange& change);

}  // namespace descent::train
