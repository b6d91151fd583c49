#pragma once
// Values of numeric flags, read as text and checked here so that every message has one form:
// "--epochs = 0: expected an integer >= 1".
#include <cstdint>
#include <limits>
#include <string_view>

namespace descent::cli {

// The integer in `text`, in [min, max]; throws ConfigError naming `flag` and `text`.
std::int64_t parse_int_flag(std::string_view flag, std::string_view text, std::int64_t min,
                            std::int64_t max = std::numeric_limits<std::int64_t>::max());
// A non-negative integer up to 2^64 - 1 (seeds); throws ConfigError naming `flag` and `text`.
std::uint64_t parse_uint_flag(std::string_view flag, std::string_view text);

}  // namespace descent::cli
