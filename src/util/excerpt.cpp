#include "descent/util/excerpt.hpp"

#include <algorithm>

namespace descent::util {

std::string excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)).append("... (").append(std::to_string(text.size())).append(" bytes)");
}

std::string excerpt_around(std::string_view text, std::size_t at, std::size_t& offset, std::size_t max) {
  if (text.size() <= max) {
    offset = at;
    return std::string(text);
  }
  // The window starts a third of its width before `at`, so that what follows the error shows too.
  const std::size_t before = max / 3;
  const std::size_t start = std::min(at > before ? at - before : 0, text.size() - max);
  std::string out = start > 0 ? "..." : "";
  offset = out.size() + (at - start);
  out.append(text.substr(start, max));
  if (start + max < text.size()) out.append("...");
  return out;
}

}  // namespace descent::util
