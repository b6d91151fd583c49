// [diagnostics] divergence: "stop" by default, "warn" and "off" as written, and every other value an
// error naming the file, the key, the value and the three allowed.
#include <gtest/gtest.h>

#include <string>

#include "config_error.hpp"
#include "descent/train/config.hpp"

namespace descent::train {
namespace {

std::string divergence_config(const std::string& extra) { return "[model]\nlayers = [784, 30, 10]\n" + extra; }

TEST(ParseConfig, DivergenceStopsByDefault) {
  EXPECT_EQ(parse_config_string(divergence_config(""), "cfg.toml").diagnostics.divergence, "stop");
  for (const char* action : {"stop", "warn", "off"})
    EXPECT_EQ(parse_config_string(divergence_config("[diagnostics]\ndivergence = \"" + std::string(action) + "\"\n"),
                                  "cfg.toml")
                  .diagnostics.divergence,
              action);
}

TEST(ParseConfigError, DivergenceOfEachBadKind) {
  constexpr const char* expected = ": expected one of stop, warn, off";
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = \"halt\"\n")),
            std::string("cfg.toml: diagnostics.divergence = \"halt\"") + expected);
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = \"Stop\"\n")),
            std::string("cfg.toml: diagnostics.divergence = \"Stop\"") + expected);  // names are lower case
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = \"\"\n")),
            std::string("cfg.toml: diagnostics.divergence = \"\"") + expected);
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = true\n")),
            std::string("cfg.toml: diagnostics.divergence = true") + expected);
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = 10\n")),
            std::string("cfg.toml: diagnostics.divergence = 10") + expected);
  EXPECT_EQ(config_error(divergence_config("[diagnostics]\ndivergence = [\"stop\"]\n")),
            std::string("cfg.toml: diagnostics.divergence = [\"stop\"]") + expected);
}

}  // namespace
}  // namespace descent::train
