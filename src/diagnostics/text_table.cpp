#include "text_table.hpp"

#include <algorithm>
#include <cstdio>

#include "descent/util/join.hpp"

namespace descent::diagnostics {

std::string TextTable::str() const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::string out;
  for (const auto& row : rows_) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string index_string(std::int64_t flat, const Shape& shape) {
  if (shape.size() == 0) return "[]";
  std::vector<std::int64_t> index(static_cast<std::size_t>(shape.size()));
  for (int d = shape.size() - 1; d >= 0; --d) {
    index[static_cast<std::size_t>(d)] = shape[d] > 0 ? flat % shape[d] : 0;
    flat = shape[d] > 0 ? flat / shape[d] : 0;
  }
  return util::list_text(index);
}

}  // namespace descent::diagnostics
