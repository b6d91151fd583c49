// `descent minimize --dtype float64` against PyTorch: every run of tests/reference/optimizer_trajectories
// (every optimizer, options varied, on a weighted quadratic, Rosenbrock and Beale, 200 steps; centered
// RMSprop 50) goes through the command line as a user would type it, and each point of its trace must
// agree with torch.optim's to 1e-9 relative to max(|x|, 1).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"
#include "descent/diagnostics/plot.hpp"

namespace descent::cli {
namespace {

// The reference script's functions, as minimize takes them (the weighted quadratic as an expression).
const std::map<std::string, std::string> kFunctions = {
    {"quadratic", "(x - 3)^2 + 10*(y + 1)^2 + 0.5*(z - 2)^2"}, {"rosenbrock", "rosenbrock"}, {"beale", "beale"}};

TEST(MinimizeReference, EveryOptimizerFollowsPyTorchFromTheCommandLine) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/optimizer_trajectories.json");
  ASSERT_TRUE(in) << "missing tests/reference/optimizer_trajectories.json";
  const auto ref = nlohmann::json::parse(in);
  data::testing::TempDir dir;
  std::map<std::string, double> worst;
  std::set<std::string> functions;
  int runs = 0;
  for (const auto& r : ref["runs"]) {
    const std::string optimizer = r["optimizer"].get<std::string>(), fname = r["function"].get<std::string>();
    std::string function = kFunctions.at(fname);
    if (r["negate"].get<bool>()) {  // maximize on -f: the named test functions have no negated form
      if (fname != "quadratic") continue;
      function.insert(0, "(-(");
      function.append("))");
    }
    const auto start = r["start"].get<std::vector<double>>();
    std::string x0;
    for (double v : start) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.17g", x0.empty() ? "" : ",", v);
      x0 += buf;
    }
    const auto& trajectory = r["trajectory"];
    std::vector<std::string> args = {"minimize",    function,
                                     "--optimizer", optimizer,
                                     "--x0",        x0,
                                     "--steps",     std::to_string(trajectory.size()),
                                     "--dtype",     "float64",
                                     "--every",     "1000000",
                                     "--trace",     dir.file("t.csv")};
    std::string label = optimizer;
    for (const auto& kv : r["options"]) {
      std::string flag = "--" + kv[0].get<std::string>();
      std::replace(flag.begin(), flag.end(), '_', '-');
      const std::string value = kv[1].get<std::string>();
      args.push_back(flag);
      if (value != "true") args.push_back(value);
      label += " " + flag + " " + value;
    }
    label += " on " + fname;
    std::ostringstream out, err;
    ASSERT_EQ(run(args, out, err), 0) << label << ": " << err.str();
    const plot::Table t = plot::read_csv(dir.file("t.csv"));
    ASSERT_EQ(t.rows.size(), trajectory.size() + 1) << label;
    double run_worst = 0;
    for (std::size_t k = 1; k < t.rows.size(); ++k) {
      const auto expected = trajectory[k - 1].get<std::vector<double>>();
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const double got = t.rows[k][i + 1];
        const double e = std::abs(got - expected[i]) / std::max(std::abs(expected[i]), 1.0);
        run_worst = std::max(run_worst, e);
        ASSERT_LT(e, 1e-9) << label << ": step " << k << ", coordinate " << i << ": " << got << " vs " << expected[i];
      }
    }
    worst[optimizer] = std::max(worst[optimizer], run_worst);
    functions.insert(fname);
    ++runs;
  }
  EXPECT_EQ(functions.size(), 3u);
  EXPECT_EQ(runs, 63);  // every run but the negated Rosenbrock and Beale ones (maximize is covered on the quadratic)
  for (const auto& [name, e] : worst)
    std::printf("  descent minimize %-9s largest relative error: %.3g\n", name.c_str(), e);
}

}  // namespace
}  // namespace descent::cli
