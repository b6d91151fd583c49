// format_number's printf specs agree with printf, which the files descent writes relied on before
// (%.17g, %.9g), and format_float32 is the shortest text of a float.
#include "descent/util/number_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace descent::util {
namespace {

std::string printf_g(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

TEST(NumberText, GeneralSpecsMatchPrintf) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-320, 300);
  std::vector<double> values = {0, -0.0, 0.1, 1.0 / 3, 1e-310, 5e-324, 1e20, 123456789.123456789, INFINITY, -INFINITY};
  for (int i = 0; i < 2000; ++i) values.push_back(mantissa(gen) * std::pow(10.0, exponent(gen)));
  for (double v : values) {
    EXPECT_EQ(format_number(v, ".17g"), printf_g("%.17g", v));
    EXPECT_EQ(format_number(v, ".9g"), printf_g("%.9g", v));
    EXPECT_EQ(format_number(v, ".10g"), printf_g("%.10g", v));
    EXPECT_EQ(format_number(v, "g"), printf_g("%g", v));
    if (std::isfinite(v)) {
      EXPECT_EQ(std::strtod(format_number(v, "a").c_str(), nullptr), v);
    }
  }
}

TEST(NumberText, Float32IsTheShortestFloatText) {
  EXPECT_EQ(format_float32(0.1f), "0.1");
  EXPECT_EQ(format_float32(1.2288f), "1.2288");
  EXPECT_EQ(format_float32(1.0f / 3), "0.33333334");
  EXPECT_EQ(format_float32(1e-5f), "1e-05");
  EXPECT_EQ(format_float32(1200.0f), "1200");
}

}  // namespace
}  // namespace descent::util
