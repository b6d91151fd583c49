// examples/optimizers: the races of the README in a short form, each path written and drawn.
#include <gtest/gtest.h>

#include <sstream>

#include "app.hpp"
#include "data/idx_files.hpp"

namespace descent {
namespace {

TEST(OptimizersExample, RacesOnRosenbrockAndBeale) {
  data::testing::TempDir dir;
  for (const auto& [function, x0, specs] : std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
           {"rosenbrock",
            "-1.5,2",
            {"sgd:lr=0.0005", "sgd:lr=0.0005:momentum=0.9", "sgd:lr=0.0005:momentum=0.9:nesterov=true",
             "adagrad:lr=0.5", "rmsprop:lr=0.01", "adam:lr=0.05", "adadelta:lr=1.0"}},
           {"beale",
            "1,1.5",
            {"sgd:lr=0.005", "sgd:lr=0.005:momentum=0.9", "adagrad:lr=0.3", "rmsprop:lr=0.01", "adam:lr=0.05",
             "adadelta:lr=1.0"}}}) {
    std::vector<std::string> args = {"minimize", function, "--x0",     x0,
                                     "--steps",  "100",    "--output", dir.file(function + ".png")};
    for (const auto& s : specs) {
      args.push_back("--compare");
      args.push_back(s);
    }
    std::ostringstream out, err;
    ASSERT_EQ(cli::run(args, out, err), 0) << err.str();
    for (const auto& s : specs) EXPECT_NE(out.str().find(s.substr(0, s.find(':'))), std::string::npos) << s;
    EXPECT_TRUE(std::filesystem::file_size(dir.file(function + ".png")) > 10000) << function;
  }
}

}  // namespace
}  // namespace descent
