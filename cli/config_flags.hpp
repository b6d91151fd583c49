#pragma once
// The flags of the commands that read a training config, worded once: the CONFIG positional and
// --data-dir (train, check, doctor); CONFIG and --checkpoint (eval, predict, export, landscape).
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

void add_config_flags(CLI::App& app, std::string& config_path, std::optional<std::string>& data_dir);
void add_checkpoint_flags(CLI::App& app, std::string& config_path, std::string& checkpoint_path);
void add_data_dir_flag(CLI::App& app, std::optional<std::string>& data_dir);

}  // namespace descent::cli
