#pragma once
// Numbers as text, for every message, table, file and label descent writes: one function, so that a
// value reads the same wherever it appears.
#include <string>
#include <string_view>

namespace descent::util {

// `x` formatted by a format spec of std::format / libfmt, without the braces: "" (the default) is the
// shortest text that reads back as x exactly (0.1, 1e-08, 1e+05, 3, inf, nan), as std::to_chars; ".6g", ".3e", ".0f", "g" are
// printf's %.6g, %.3e, %.0f, %g.
std::string format_number(double x, std::string_view spec = {});

}  // namespace descent::util
