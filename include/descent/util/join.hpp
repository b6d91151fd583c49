#pragma once
// Parts joined by a separator: join({"lr", "momentum"}) is "lr, momentum"; integers are written in
// decimal, join({3, 4}, ",") is "3,4". list_text writes a shape or index as messages show it: [1, 28, 28].
// tuple_text writes a shape as Python does: (1, 28, 28), (3,), ().
// double_quoted("relu") is "\"relu\"", as messages and TOML show a name (nothing inside is escaped).
#include <string>
#include <string_view>
#include <type_traits>

namespace descent::util {

template <class Parts>
std::string join(const Parts& parts, std::string_view separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += separator;
    if constexpr (std::is_integral_v<std::decay_t<decltype(part)>>) out += std::to_string(part);
    else out += part;
    first = false;
  }
  return out;
}

template <class Integers>
std::string list_text(const Integers& values) {
  std::string out = "[";  // not "[" + join(...): GCC 12 warns falsely (-Wrestrict) on that form
  out += join(values);
  out += ']';
  return out;
}

template <class Integers>
std::string tuple_text(const Integers& values) {
  std::string out = "(";
  out += join(values);
  out += std::size(values) == 1 ? ",)" : ")";
  return out;
}

inline std::string double_quoted(std::string_view text) {
  std::string out(1, '"');
  out.append(text);
  out.push_back('"');
  return out;
}

}  // namespace descent::util
