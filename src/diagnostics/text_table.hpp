#pragma once
// Plain-text tables for the check reports: columns padded to their widest cell, two spaces apart,
// each line indented by two spaces. Also the number formats the reports share.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/tensor/shape.hpp"

namespace descent::diagnostics {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string str() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// A flat row-major index as a multi-index in `shape`: "[12, 345]".
std::string index_string(std::int64_t flat, const Shape& shape);

}  // namespace descent::diagnostics
