#include "flag_value.hpp"

#include <charconv>
#include <string>

#include "descent/error.hpp"

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

}  // namespace descent::cli
