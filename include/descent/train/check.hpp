#pragma once
// `descent check`: the model, loss and optimizer a config describes, built exactly as training builds
// them, checked on the first batch training draws (train_loader.hpp): gradients against central
// differences, and whether one optimizer step goes downhill (diagnostics/model_check.hpp).
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace descent::train {

struct CheckOptions {
  std::optional<std::string> data_dir = {};  // else $DESCENT_DATA, else Debian's (resolve_data_dir)
  std::optional<std::int64_t> batch = {};    // examples checked; default train.batch_size (all for "full")
  std::int64_t samples = 100;                // elements checked per parameter tensor; 0 for all
  std::optional<std::uint64_t> seed = {};    // overrides train.seed
  std::ostream* warnings = nullptr;          // e.g. a --data-dir the config does not read; null: std::cerr
};

// Reads the config at `config_path`, writes a summary of what is checked and the checks' report to
// `out`, and returns whether every check passed. Throws descent::Error on bad input.
bool check_config(const std::string& config_path, const CheckOptions& options, std::ostream& out);

}  // namespace descent::train
