#pragma once
// Text as a POSIX shell reads it back, for command lines descent records (trace comments) or runs
// (gnuplot): shell_quote("walk.csv") is walk.csv, shell_quote("x^2 + y") is 'x^2 + y', and a single
// quote inside becomes '\''.
#include <string>
#include <string_view>

namespace descent::util {

// `arg` bare when every character is safe unquoted, else in single quotes.
std::string shell_quote(std::string_view arg);

}  // namespace descent::util
