#pragma once
// Text helpers the tests share: whether a message holds a part, a whole file as text, and where the
// Debian data set lives.
#include <fstream>
#include <iterator>
#include <string>

namespace descent::testing {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The whole file at `path`, byte for byte; "" when it cannot be read.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Fashion-MNIST from Debian's dataset-fashion-mnist, which the tests that need real images read.
inline constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";

}  // namespace descent::testing
