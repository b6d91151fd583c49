#pragma once
// Bounds on a config's text, checked before toml++ parses it. toml++ limits the nesting of arrays and
// inline tables (256), but not that of dotted keys and table headers: [a.a.a. ... .a] 60,000 keys deep
// overflows the stack in its parser and in every recursive walk of the tree. No config needs more than
// a few levels, nor more than a few megabytes.
#include <cstdint>
#include <string>
#include <string_view>

namespace descent::train::config_reader {

inline constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;
inline constexpr int kMaxConfigDepth = 64;  // tables, arrays and dotted keys together

// ConfigError "cfg.toml: 20 MiB: expected a config of at most 16 MiB" past kMaxConfigBytes.
void check_config_size(std::uint64_t bytes, const std::string& path);
// check_config_size, then ConfigError "cfg.toml:LINE:COLUMN: ..." when `text` nests deeper than that.
void check_config_bounds(std::string_view text, const std::string& path);

}  // namespace descent::train::config_reader
