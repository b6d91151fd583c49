// The founding 1-1-1 case: the trajectory `descent train examples/sigmoid_1_1_1/paradox.toml --trace`
// records against gradient descent written out by hand here, step by step, in closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/diagnostics/plot.hpp"

namespace descent {
namespace {

struct Step {
  double w1, w2, output, loss;
};

// x -> a1 = s(w1 x) -> a2 = s(w2 a1), C = 1/2 (a2 - t)^2:
//   dC/dw2 = (a2 - t) a2 (1 - a2) a1,   dC/dw1 = (a2 - t) a2 (1 - a2) w2 a1 (1 - a1) x.
std::vector<Step> closed_form(double w1, double w2, double x, double t, double lr, int steps) {
  auto s = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  std::vector<Step> out;
  for (int k = 0; k <= steps; ++k) {
    const double a1 = s(w1 * x), a2 = s(w2 * a1);
    out.push_back({w1, w2, a2, 0.5 * (a2 - t) * (a2 - t)});
    const double delta2 = (a2 - t) * a2 * (1 - a2);
    const double g2 = delta2 * a1, g1 = delta2 * w2 * a1 * (1 - a1) * x;
    w1 -= lr * g1;
    w2 -= lr * g2;
  }
  return out;
}

plot::Table train_with_trace(const std::string& config, const std::string& trace) {
  std::ostringstream out, err;
  const int status = cli::run(
      {"train", std::string(DESCENT_SOURCE_DIR) + "/examples/sigmoid_1_1_1/" + config, "--trace", trace}, out, err);
  EXPECT_EQ(status, 0) << err.str();
  return plot::read_csv(trace);
}

TEST(Sigmoid111, ParadoxTraceMatchesTheClosedForm) {
  data::testing::TempDir dir;
  const plot::Table t = train_with_trace("paradox.toml", dir.file("paradox.csv"));
  ASSERT_EQ(t.columns, (std::vector<std::string>{"step", "0.weight[0,0]", "2.weight[0,0]", "output", "loss"}));
  ASSERT_EQ(t.rows.size(), 501u);
  const auto expected = closed_form(0.1, -0.5, 0.9, 0.9, 0.1, 500);
  double worst = 0;
  for (std::size_t k = 0; k < t.rows.size(); ++k) {
    EXPECT_EQ(t.rows[k][0], static_cast<double>(k));
    const double got[4] = {t.rows[k][1], t.rows[k][2], t.rows[k][3], t.rows[k][4]};
    const double want[4] = {expected[k].w1, expected[k].w2, expected[k].output, expected[k].loss};
    for (int c = 0; c < 4; ++c) {
      worst = std::max(worst, std::abs(got[c] - want[c]));
      ASSERT_NEAR(got[c], want[c], 1e-12) << "step " << k << ", column " << t.columns[c + 1];
    }
  }
  std::printf("paradox.toml: max |trace - closed form| over 501 steps = %.3e\n", worst);

  // w1 falls while w2 < 0 reverses its error signal, then rises; the output climbs toward 0.9 throughout.
  std::size_t lowest = 0;
  for (std::size_t k = 1; k < t.rows.size(); ++k)
    if (t.rows[k][1] < t.rows[lowest][1]) lowest = k;
  EXPECT_GT(lowest, 10u);
  EXPECT_LT(lowest, 490u);
  EXPECT_LT(t.rows[lowest][1], t.rows[0][1]);
  EXPECT_GT(t.rows.back()[1], t.rows[lowest][1]);
  for (std::size_t k = 0; k < lowest; ++k) EXPECT_LT(t.rows[k + 1][1], t.rows[k][1]) << "w1 at step " << k;
  for (std::size_t k = lowest; k + 1 < t.rows.size(); ++k)
    EXPECT_GT(t.rows[k + 1][1], t.rows[k][1]) << "w1 at step " << k;
  for (std::size_t k = 0; k + 1 < t.rows.size(); ++k) {
    EXPECT_GT(t.rows[k + 1][3], t.rows[k][3]) << "output at step " << k;
    EXPECT_LT(t.rows[k + 1][3], 0.9);
  }
  // w1 turns where w2 changes sign
  EXPECT_LT(t.rows[lowest - 1][2], 0.0);
  EXPECT_GT(t.rows[lowest + 1][2], 0.0);
}

TEST(Sigmoid111, PositiveStartRisesFromTheStart) {
  data::testing::TempDir dir;
  const plot::Table t = train_with_trace("positive.toml", dir.file("positive.csv"));
  const auto expected = closed_form(0.1, 0.1, 0.9, 0.9, 0.1, 500);
  ASSERT_EQ(t.rows.size(), 501u);
  for (std::size_t k = 0; k < t.rows.size(); ++k) {
    ASSERT_NEAR(t.rows[k][1], expected[k].w1, 1e-12) << k;
    ASSERT_NEAR(t.rows[k][2], expected[k].w2, 1e-12) << k;
    if (k + 1 < t.rows.size()) {
      EXPECT_GT(t.rows[k + 1][1], t.rows[k][1]) << "w1 at step " << k;
    }
  }
}

}  // namespace
}  // namespace descent
