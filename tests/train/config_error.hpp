#pragma once
// The message parse_config_string throws for a config `text` read as `path`; fails the calling test
// when the text parses. Shared by the tests of config keys.
#include <gtest/gtest.h>

#include <string>

#include "descent/error.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

inline std::string config_error(const std::string& text, const std::string& path = "cfg.toml") {
  try {
    parse_config_string(text, path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << text;
  return {};
}

}  // namespace descent::train
