// A --data-dir that the config does not read (its examples are inline or in files it names) is a
// warning on stderr, not an error, for every command that takes the flag; a config that reads a data
// directory gets no warning.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_run.hpp"

namespace descent::cli {
namespace {

using testing::Result;
using testing::run_cli;

const std::string kInlineConfig = std::string(DESCENT_SOURCE_DIR) + "/examples/sigmoid_1_1_1/paradox.toml";
const std::string kWarning = "descent: warning: --data-dir /nowhere is not read: " + kInlineConfig +
                             " holds its examples inline ([data] inputs)\n";

TEST(DataDirWarning, TrainWarnsAndRuns) {
  const Result r = run_cli({"train", kInlineConfig, "--epochs", "2", "--data-dir", "/nowhere"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, kWarning);
}

TEST(DataDirWarning, CheckWarnsAndChecks) {
  const Result r = run_cli({"check", kInlineConfig, "--data-dir", "/nowhere"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, kWarning);
}

TEST(DataDirWarning, NoWarningWithoutTheFlag) {
  const Result r = run_cli({"check", kInlineConfig});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace descent::cli
