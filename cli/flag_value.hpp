#pragma once
// Values of numeric flags, read as text and checked here so that every message has one form:
// "--epochs = 0: expected an integer >= 1".
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace descent::cli {

// The integer in `text`, in [min, max]; throws ConfigError naming `flag` and `text`.
std::int64_t parse_int_flag(std::string_view flag, std::string_view text, std::int64_t min,
                            std::int64_t max = std::numeric_limits<std::int64_t>::max());
// A non-negative integer up to 2^64 - 1 (seeds); throws ConfigError naming `flag` and `text`.
std::uint64_t parse_uint_flag(std::string_view flag, std::string_view text);
// A finite number > 0 (--span); throws ConfigError naming `flag` and `text`.
double parse_positive_flag(std::string_view flag, std::string_view text);
// Numbers separated by commas, spaces around each allowed (--x0 -1.5,2); throws ConfigError naming
// `flag` and `text`.
std::vector<double> parse_numbers_flag(std::string_view flag, std::string_view text);

}  // namespace descent::cli
