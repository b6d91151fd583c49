#pragma once
// Numbers as text, for every message, table, file and label descent writes: one function, so that a
// value reads the same wherever it appears.
#include <string>
#include <string_view>

namespace descent::util {

// `x` formatted by a format spec of std::format / libfmt, without the braces: "" (the default) is the
// shortest text that reads back as x exactly (0.1, 1e-08, 1e+05, 3, inf, nan), as std::to_chars; ".6g", ".3e", ".0f",
// "g" are printf's %.6g, %.3e, %.0f, %g.
std::string format_number(double x, std::string_view spec = {});
// A float32 value as the shortest text that reads back as the same float, as format_number("") does for
// doubles: 0.1f is 0.1, where format_number(0.1f) is 0.10000000149011612.
std::string format_float32(float x);
// Three significant digits (%.3g), as findings and reports quote a measured value: 0.000123, 2.5e+03.
inline std::string short_number(double x) { return format_number(x, ".3g"); }
// The exact value in hexadecimal floating point (%a), as checkpoint metadata stores a double.
inline std::string exact_number(double x) { return format_number(x, "a"); }

}  // namespace descent::util
