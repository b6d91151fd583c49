#include "descent/util/option_field.hpp"

#include <charconv>
#include <cmath>

#include "descent/error.hpp"

namespace descent::util {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits at commas; "" gives no parts.
std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  if (trim(text).empty()) return parts;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

}  // namespace

std::string_view describe(OptionKind kind) {
  switch (kind) {
    case OptionKind::Number: return "a number";
    case OptionKind::Integer: return "an integer";
    case OptionKind::Flag: return "true or false";
    case OptionKind::NumberPair: return "two numbers, e.g. 0.9,0.999";
    case OptionKind::Text: return "a name";
    case OptionKind::IntegerList: return "integers separated by commas, e.g. 30,80";
    case OptionKind::Size2: return "an integer or [height, width]";
    case OptionKind::NumberList: return "numbers separated by commas, e.g. 1,2.5";
  }
  return "";
}

std::string allowed_values(std::string_view name_view, OptionKind kind, const Limits& limits) {
  const std::string name(name_view);
  const bool has_min = std::isfinite(limits.min), has_max = std::isfinite(limits.max);
  const std::string from = name + (limits.above ? " > " : " >= ") + format_number(limits.min);
  switch (kind) {
    case OptionKind::Size2: return has_min ? from + ", " + std::string(describe(kind)) : std::string(describe(kind));
    case OptionKind::Integer: return has_min ? "an integer " + from : "an integer";
    case OptionKind::Number:
      if (has_max) return name + " in [" + format_number(limits.min) + ", " + format_number(limits.max) + "]";
      return has_min ? from : "a number";
    default: return std::string(describe(kind));
  }
}

std::optional<double> parse_number(std::string_view text) {
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return x;
}

std::optional<bool> parse_flag(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::optional<std::pair<double, double>> parse_number_pair(std::string_view text) {
  const auto parts = split(text);
  if (parts.size() != 2) return std::nullopt;
  const auto a = parse_number(parts[0]), b = parse_number(parts[1]);
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

std::optional<std::vector<std::int64_t>> parse_integer_list(std::string_view text) {
  std::vector<std::int64_t> out;
  for (std::string_view part : split(text)) {
    const auto x = parse_integer(part);
    if (!x) return std::nullopt;
    out.push_back(*x);
  }
  return out;
}

std::optional<Size2> parse_size2(std::string_view text) {
  const auto values = parse_integer_list(text);
  if (!values || values->empty() || values->size() > 2) return std::nullopt;
  return values->size() == 1 ? Size2((*values)[0]) : Size2((*values)[0], (*values)[1]);
}

std::string format_size2(Size2 s) {
  return s.h == s.w ? std::to_string(s.h) : std::to_string(s.h) + "," + std::to_string(s.w);
}

std::optional<std::vector<double>> parse_number_list(std::string_view text) {
  std::vector<double> out;
  for (std::string_view part : split(text)) {
    const auto x = parse_number(part);
    if (!x) return std::nullopt;
    out.push_back(*x);
  }
  return out;
}

std::string format_numbers(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double x : values) parts.push_back(format_number(x));
  return join(parts, ",");
}

std::string format_integers(const std::vector<std::int64_t>& values) {
  std::vector<std::string> parts;
  for (std::int64_t x : values) parts.push_back(std::to_string(x));
  return join(parts, ",");
}

void reject_option(std::string_view owner, std::string_view key, std::string_view value, std::string_view expected) {
  const std::string_view option = key.substr(0, key.find('['));
  throw OptionError(
      std::string(owner) + ": " + std::string(key) + " = " + std::string(value) + ": expected " + std::string(expected),
      std::string(option), std::string(expected));
}

void check_option(bool ok, std::string_view owner, std::string_view key, double value, std::string_view expected) {
  if (!ok) reject_option(owner, key, format_number(value), expected);
}

namespace detail {

void reject_name(std::string_view owner, std::string_view name, const std::vector<std::string>& known, bool repeated) {
  throw ValueError(std::string(owner) + ": " + (repeated ? "option given twice: " : "unknown option ") +
                   std::string(name) + " (" + std::string(owner) + " takes " + join(known) + ")");
}

void reject_missing(std::string_view owner, std::string_view name, std::string_view expected) {
  throw OptionError(
      std::string(owner) + ": missing required option " + std::string(name) + " (" + std::string(expected) + ")",
      std::string(name), std::string(expected));
}

}  // namespace detail
}  // namespace descent::util
