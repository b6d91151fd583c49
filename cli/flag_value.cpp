#include "flag_value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "descent/error.hpp"
#include "descent/util/split.hpp"

namespace descent::cli {
namespace {

// The whole of `text` as a T; false on anything else (signs where T is unsigned, "3.5", "abc", overflow).
template <class T>
bool parse_whole(std::string_view text, T& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

[[noreturn]] void fail(std::string_view flag, std::string_view text, const std::string& expected) {
  throw ConfigError(std::string(flag) + " = " + std::string(text) + ": expected " + expected);
}

}  // namespace

std::int64_t parse_int_flag(std::string_view flag, std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  if (!parse_whole(text, value) || value < min) fail(flag, text, "an integer >= " + std::to_string(min));
  if (value > max) fail(flag, text, "an integer <= " + std::to_string(max));
  return value;
}

std::uint64_t parse_uint_flag(std::string_view flag, std::string_view text) {
  std::uint64_t value = 0;
  if (!parse_whole(text, value)) fail(flag, text, "an integer >= 0");
  return value;
}

double parse_positive_flag(std::string_view flag, std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(value > 0) || !std::isfinite(value)) fail(flag, text, "a number > 0");
  return value;
}

std::vector<double> parse_numbers_flag(std::string_view flag, std::string_view text) {
  std::vector<double> values;
  for (const std::string& part : util::split(text, ',')) {
    std::string_view item = part;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!parse_whole(item, values.emplace_back()))
      fail(flag, text, "numbers separated by commas, as " + std::string(flag) + " -1.5,2");
  }
  return values;
}

}  // namespace descent::cli
