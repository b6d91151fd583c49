#pragma once
// Strings (or anything `std::string +=` takes) joined by a separator: join({"lr", "momentum"}) is
// "lr, momentum".
#include <string>
#include <string_view>

namespace descent::util {

template <class Parts>
std::string join(const Parts& parts, std::string_view separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += separator;
    out += part;
    first = false;
  }
  return out;
}

}  // namespace descent::util
