// `descent check` passes on every example config: each examples/*/*.toml, checked on a real batch of
// Debian's Fashion-MNIST (or its own inline examples) as a user would run it.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "app.hpp"

namespace descent {
namespace {

std::vector<std::string> example_configs() {
  std::vector<std::string> out;
  for (const auto& dir : std::filesystem::directory_iterator(std::string(DESCENT_SOURCE_DIR) + "/examples"))
    if (dir.is_directory())
      for (const auto& f : std::filesystem::directory_iterator(dir.path()))
        if (f.path().extension() == ".toml") out.push_back(f.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CheckExamples, EveryExampleConfigPasses) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/setup.sh installs it)";
  const auto configs = example_configs();
  ASSERT_GE(configs.size(), 6u);
  for (const auto& config : configs) {
    std::ostringstream out, err;
    const int status = cli::run({"check", config, "--samples", "20", "--batch", "32"}, out, err);
    EXPECT_EQ(status, 0) << config << "\n" << out.str() << err.str();
  }
}

}  // namespace
}  // namespace descent
