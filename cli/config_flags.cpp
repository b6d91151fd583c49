#include "config_flags.hpp"

#include <CLI/CLI.hpp>

namespace descent::cli {

void add_config_flags(CLI::App& app, std::string& config_path, std::optional<std::string>& data_dir) {
  app.add_option("CONFIG", config_path, "The TOML config file, e.g. examples/nielsen/config.toml")
      ->type_name("")
      ->required();
  add_data_dir_flag(app, data_dir);
}

void add_checkpoint_flags(CLI::App& app, std::string& config_path, std::string& checkpoint_path) {
  app.add_option("CONFIG", config_path, "The TOML config the checkpoint was trained with")->type_name("")->required();
  app.add_option("--checkpoint", checkpoint_path, "A checkpoint written by descent train --save")
      ->type_name("FILE")
      ->required();
}

void add_data_dir_flag(CLI::App& app, std::optional<std::string>& data_dir) {
  app.add_option("--data-dir", data_dir,
                 "Directory with the four IDX files (default: $DESCENT_DATA, else the Debian data set)")
      ->type_name("DIR");
}

}  // namespace descent::cli
