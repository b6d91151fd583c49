#include "descent/util/number_text.hpp"

#include <fmt/format.h>

#include <charconv>

#include "descent/error.hpp"

namespace descent::util {

std::string format_number(double x, std::string_view spec) {
  if (spec.empty()) {
    // std::to_chars, not fmt's "{}": of the fixed and exponent forms it takes the shorter (1e-04, 1e+05),
    // as descent always printed.
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, ec == std::errc() ? end : buf);
  }
  try {
    return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), x);
  } catch (const fmt::format_error& e) {
    throw ValueError("format_number: bad format spec \"" + std::string(spec) + "\": " + e.what());
  }
}

std::string format_float32(float x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, ec == std::errc() ? end : buf);
}

}  // namespace descent::util
