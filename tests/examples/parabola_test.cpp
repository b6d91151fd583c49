// examples/parabola: the walk down y = x^2 and the three step sizes, as the README runs them.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/diagnostics/plot.hpp"

namespace descent {
namespace {

plot::Table walk(const data::testing::TempDir& dir, const std::string& lr, int steps) {
  std::ostringstream out, err;
  const std::string trace = dir.file("walk_" + lr + ".csv");
  EXPECT_EQ(cli::run({"minimize", "x^2", "--optimizer", "sgd", "--lr", lr, "--x0", "2.7", "--steps",
                      std::to_string(steps), "--trace", trace},
                     out, err),
            0)
      << err.str();
  return plot::read_csv(trace);
}

TEST(ParabolaExample, StepSizesConvergeOscillateAndDiverge) {
  data::testing::TempDir dir;
  const auto converge = walk(dir, "0.1", 30), oscillate = walk(dir, "0.9", 30), diverge = walk(dir, "1.05", 30);
  for (std::size_t k = 0; k + 1 < converge.rows.size(); ++k) {
    const double x = converge.rows[k][1], next = converge.rows[k + 1][1];
    EXPECT_GT(x, 0.0);                                // never crosses the minimum
    EXPECT_LT(next, x);                               // always toward it
    EXPECT_NEAR(next, 0.8 * x, 1e-15 * std::abs(x));  // x <- (1 - 2 lr) x
    const double o = oscillate.rows[k][1], o_next = oscillate.rows[k + 1][1];
    EXPECT_LT(o * o_next, 0.0);                                                 // jumps across every step
    EXPECT_LT(std::abs(o_next), std::abs(o));                                   // and still converges
    EXPECT_GT(std::abs(diverge.rows[k + 1][1]), std::abs(diverge.rows[k][1]));  // overshoots further
  }
}

TEST(ParabolaExample, ComparePictureIsWritten) {
  data::testing::TempDir dir;
  std::ostringstream out, err;
  ASSERT_EQ(cli::run({"minimize", "x^2", "--x0", "2.7", "--steps", "12", "--compare", "sgd:lr=0.1", "--compare",
                      "sgd:lr=0.9", "--compare", "sgd:lr=1.05", "--output", dir.file("s.png")},
                     out, err),
            0)
      << err.str();
  EXPECT_NE(out.str().find("sgd lr=1.05: after 12 steps x = 8.47375"), std::string::npos) << out.str();
  std::ifstream png(dir.file("s.png"), std::ios::binary);
  char head[4] = {};
  png.read(head, 4);
  EXPECT_EQ(std::string(head + 1, head + 4), "PNG");
}

TEST(ParabolaExample, CompareRejectsBadSpecs) {
  data::testing::TempDir dir;
  auto error = [&](std::vector<std::string> args) {
    std::ostringstream out, err;
    EXPECT_EQ(cli::run(args, out, err), 2);
    return err.str();
  };
  const std::string png = dir.file("s.png");
  EXPECT_NE(error({"minimize", "x^2", "--x0", "1", "--steps", "3", "--compare", "sgdd:lr=0.1", "--output", png})
                .find("--compare sgdd:lr=0.1: optimizer \"sgdd\": expected one of sgd"),
            std::string::npos);
  EXPECT_NE(error({"minimize", "x^2", "--x0", "1", "--steps", "3", "--compare", "sgd:lr", "--output", png})
                .find("\"lr\": expected option=value"),
            std::string::npos);
  EXPECT_NE(error({"minimize", "x^2", "--x0", "1", "--steps", "3", "--compare", "sgd:lr=0.1"}).find("give --output"),
            std::string::npos);
  EXPECT_NE(
      error({"minimize", "x^2", "--x0", "1", "--steps", "3", "--compare", "sgd:lr=-1", "--output", png}).find("lr"),
      std::string::npos);
}

}  // namespace
}  // namespace descent
