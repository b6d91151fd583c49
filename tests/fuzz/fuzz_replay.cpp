// Every file of fuzz/corpus/<target>/ and tests/data/fuzz-regressions/<target>/ run through its fuzz
// target (fuzz/fuzz_targets.hpp), in the normal build: the seeds and every finding made so far must
// end in success or descent's error, within the time a fuzzer allows. A program of its own, as the
// targets lower the memory limit for the whole process.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"

namespace descent::fuzz {

// gtest prints a parameter in the test's name: the target's name, not its bytes (found by ADL, so
// beside FuzzTarget, outside the anonymous namespace).
void PrintTo(const FuzzTarget& target, std::ostream* out) { *out << target.name; }

namespace {

namespace fs = std::filesystem;

// libFuzzer's -timeout is 1 s under the sanitizers; a Release build on a busy machine gets the same.
constexpr double kSecondsPerInput = 1.0;

std::vector<fs::path> inputs_of(std::string_view target) {
  std::vector<fs::path> files;
  for (const fs::path& dir : {fs::path(DESCENT_SOURCE_DIR) / "fuzz" / "corpus" / target,
                              fs::path(DESCENT_SOURCE_DIR) / "tests" / "data" / "fuzz-regressions" / target}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Replay : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(Replay, EveryCorpusAndRegressionFileEndsWell) {
  const FuzzTarget& target = GetParam();
  const std::vector<fs::path> files = inputs_of(target.name);
  EXPECT_FALSE(files.empty()) << "no seeds in fuzz/corpus/" << target.name;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto start = std::chrono::steady_clock::now();
    try {
      EXPECT_EQ(target.run(bytes.data(), bytes.size()), 0) << file;
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << ": an exception other than descent::Error: " << e.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, kSecondsPerInput) << file << " took " << seconds << " s";
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Replay, ::testing::ValuesIn(fuzz_targets().begin(), fuzz_targets().end()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace descent::fuzz
