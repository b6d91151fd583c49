#include "descent/util/shell_quote.hpp"

#include <gtest/gtest.h>

namespace descent::util {
namespace {

TEST(ShellQuote, BareWhenSafeElseSingleQuoted) {
  EXPECT_EQ(shell_quote("--x0"), "--x0");
  EXPECT_EQ(shell_quote("-1.5,2"), "-1.5,2");
  EXPECT_EQ(shell_quote("adam:lr=0.05"), "adam:lr=0.05");
  EXPECT_EQ(shell_quote("x^2 + y"), "'x^2 + y'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("/tmp/descent-plot-ab12/plot.gp"), "/tmp/descent-plot-ab12/plot.gp");
}

}  // namespace
}  // namespace descent::util
