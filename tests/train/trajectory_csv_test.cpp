// TrajectoryCsv: the exact bytes of a small file (comments, header, rows, CRLF), numbers that read back
// as the same double or float, and the temporary file that only commit() turns into the real one.
#include "descent/train/trajectory_csv.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "descent/error.hpp"

namespace descent::train {
namespace {

namespace fs = std::filesystem;

class TrajectoryCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("descent_trajectory_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t files_in_dir() const { return std::distance(fs::directory_iterator(dir_), fs::directory_iterator()); }

  fs::path dir_;
};

TEST_F(TrajectoryCsvTest, ExactBytes) {
  const fs::path path = dir_ / "walk.csv";
  TrajectoryCsv csv(path.string(), {"descent minimize booth", "two\nlines"}, {"x", "y"}, Dtype::Float64);
  csv.write({.step = 0, .x = {0, -1.5}, .loss = 74, .grad = {-34, -38}, .grad_norm = 0.1});
  csv.write({.step = 1, .x = {3.4, 1e-300}, .loss = 2.0 / 3, .grad = {0, 0}, .grad_norm = 1e20});
  EXPECT_FALSE(fs::exists(path));  // only the temporary file so far
  csv.commit();
  EXPECT_EQ(read(path),
            "# descent minimize booth\r\n"
            "# two lines\r\n"
            "step,x,y,loss,grad_norm\r\n"
            "0,0,-1.5,74,0.10000000000000001\r\n"
            "1,3.3999999999999999,1e-300,0.66666666666666663,1e+20\r\n");
  EXPECT_EQ(files_in_dir(), 1u);  // the temporary file was renamed, not copied
}

TEST_F(TrajectoryCsvTest, Float32NumbersHaveNineDigits) {
  const fs::path path = dir_ / "walk.csv";
  TrajectoryCsv csv(path.string(), {}, {"x"}, Dtype::Float32);
  const double tenth = 0.1f, third = 1.0f / 3;
  csv.write({.step = 7, .x = {tenth}, .loss = third, .grad = {0}, .grad_norm = 2});
  csv.commit();
  EXPECT_EQ(read(path), "step,x,loss,grad_norm\r\n7,0.100000001,0.333333343,2\r\n");
}

TEST_F(TrajectoryCsvTest, NumbersReadBackExactly) {
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-320, 300);
  std::vector<double> values = {0.1,
                                1.0 / 3,
                                -2.0 / 3,
                                1e-310,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::min(),
                                5e-324,
                                123456789.123456789};
  for (int i = 0; i < 2000; ++i) values.push_back(mantissa(gen) * std::pow(10.0, exponent(gen)));
  for (double v : values) {
    EXPECT_EQ(std::strtod(format_exact(v, Dtype::Float64).c_str(), nullptr), v) << format_exact(v, Dtype::Float64);
    const float f = static_cast<float>(v);
    EXPECT_EQ(std::strtof(format_exact(f, Dtype::Float32).c_str(), nullptr), f) << format_exact(f, Dtype::Float32);
  }
  EXPECT_EQ(format_exact(INFINITY, Dtype::Float64), "inf");
  EXPECT_EQ(format_exact(-INFINITY, Dtype::Float32), "-inf");
}

TEST_F(TrajectoryCsvTest, NotCommittedLeavesNothingBehind) {
  const fs::path path = dir_ / "walk.csv";
  std::ofstream(path) << "an older walk\n";
  {
    TrajectoryCsv csv(path.string(), {"aborted"}, {"x"}, Dtype::Float64);
    csv.write({.step = 0, .x = {1}, .loss = 1, .grad = {2}, .grad_norm = 2});
    EXPECT_EQ(files_in_dir(), 2u);
  }
  EXPECT_EQ(files_in_dir(), 1u);
  EXPECT_EQ(read(path), "an older walk\n");
}

TEST_F(TrajectoryCsvTest, UnwritableDirectory) {
  const std::string path = (dir_ / "missing" / "walk.csv").string();
  try {
    TrajectoryCsv csv(path, {}, {"x"}, Dtype::Float64);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot write the trace: No such file or directory");
  }
}

}  // namespace
}  // namespace descent::train
