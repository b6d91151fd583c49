#pragma once
// The flags every command that reads a training config takes, worded once: the CONFIG positional and
// --data-dir (train, check, doctor).
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

void add_config_flags(CLI::App& app, std::string& config_path, std::optional<std::string>& data_dir);

}  // namespace descent::cli
