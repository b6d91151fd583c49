#include "descent/util/memory_limit.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "descent/error.hpp"
#include "descent/util/number_text.hpp"

namespace descent::util {
namespace {

constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || end == text.data() || !(value >= 0)) return std::nullopt;
  std::string unit = lower(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (unit.ends_with("ib")) unit.erase(unit.size() - 2);
  else if (unit.size() == 2 && unit.back() == 'b') unit.pop_back();
  else if (unit == "b" || unit == "bytes") unit.clear();
  double scale = 1;
  if (unit == "k") scale = 0x1p10;
  else if (unit == "m") scale = 0x1p20;
  else if (unit == "g") scale = 0x1p30;
  else if (unit == "t") scale = 0x1p40;
  else if (!unit.empty()) return std::nullopt;
  const double bytes = value * scale;
  if (bytes >= 0x1p63) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::uint64_t max_memory() {
  const char* text = std::getenv("DESCENT_MAX_MEMORY");
  if (!text || !*text) return kDefaultMaxMemory;
  const std::optional<std::uint64_t> bytes = parse_memory_size(text);
  if (!bytes || *bytes == 0)
    throw ConfigError(
        std::string("DESCENT_MAX_MEMORY = \"")
            .append(text)
            .append("\": expected a size in bytes, optionally with a suffix K, M, G or T (powers of 1024), e.g. 16G"));
  return *bytes;
}

std::string memory_text(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (v >= 1024 && unit + 1 < 6) v /= 1024, ++unit;
  return format_number(v, ".4g") + " " + kUnits[unit];
}

std::optional<std::uint64_t> checked_bytes(std::span<const std::int64_t> dims, std::uint64_t itemsize) {
  // The product of the non-zero dimensions must fit even when another is zero: the strides of such a
  // shape would overflow all the same.
  std::uint64_t n = itemsize;
  bool zero = false;
  for (std::int64_t d : dims) {
    if (d < 0) return std::nullopt;
    if (d == 0) zero = true;
    else if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n) || n > kInt64Max) return std::nullopt;
  }
  return zero ? 0 : n;
}

void check_memory(std::string_view what, std::optional<std::uint64_t> bytes) {
  const std::uint64_t limit = max_memory();
  if (bytes && *bytes <= limit) return;
  const std::string claimed =
      bytes ? memory_text(*bytes) + " (" + std::to_string(*bytes) + " bytes)" : std::string("more than 2^63 bytes");
  throw MemoryLimitError(std::string(what) + " needs " + claimed + ", more than the " + memory_text(limit) +
                             " allowed (the environment variable DESCENT_MAX_MEMORY raises the limit)",
                         bytes.value_or(std::numeric_limits<std::uint64_t>::max()), limit);
}

}  // namespace descent::util
