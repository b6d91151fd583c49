#pragma once
// Text helpers the tests share: whether a message holds a part, and where the Debian data set lives.
#include <string>

namespace descent::testing {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Fashion-MNIST from Debian's dataset-fashion-mnist, which the tests that need real images read.
inline constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";

}  // namespace descent::testing
