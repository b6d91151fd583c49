#pragma once
// What a message quotes of the input: at most a short piece, so that an 80 KB expression or a line
// of binary garbage does not come back whole on the terminal. excerpt("xxxx...80000 bytes", 40) keeps
// the first 40 bytes and says how many there were: "xxxx...x... (80000 bytes)".
#include <cstddef>
#include <string>
#include <string_view>

namespace descent::util {

inline constexpr std::size_t kExcerptBytes = 60;

// `text` when it has at most `max` bytes, else its first `max` bytes, "..." and its length.
std::string excerpt(std::string_view text, std::size_t max = kExcerptBytes);

// At most `max` bytes of `text` around byte `at` (0-based), "..." marking what is cut on either side.
// `offset` receives where byte `at` lands in the result (to place a caret under it).
std::string excerpt_around(std::string_view text, std::size_t at, std::size_t& offset, std::size_t max = kExcerptBytes);

}  // namespace descent::util
