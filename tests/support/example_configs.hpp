#pragma once
// Every config under examples/ (one folder an example), for tests that run each of them, and the test
// name each gets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

namespace descent::testing {

// The .toml files of examples/*/, sorted.
inline std::vector<std::string> example_configs() {
  std::vector<std::string> out;
  for (const auto& dir : std::filesystem::directory_iterator(std::string(DESCENT_SOURCE_DIR) + "/examples"))
    if (dir.is_directory())
      for (const auto& f : std::filesystem::directory_iterator(dir.path()))
        if (f.path().extension() == ".toml") out.push_back(f.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// "examples/lenet/mnist.toml" -> "lenet_mnist": a test name of letters, digits and underscores.
inline std::string example_test_name(const ::testing::TestParamInfo<std::string>& param) {
  const std::filesystem::path path(param.param);
  std::string name = path.parent_path().filename().string() + "_" + path.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

}  // namespace descent::testing
