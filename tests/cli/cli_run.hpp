#pragma once
// The command line run in-process for tests (descent::cli::run with its output captured), and the
// check every bad input must pass: exit status 2, nothing on stdout, one line "descent: <message>".
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"

namespace descent::cli::testing {

struct Result {
  int status;
  std::string out;
  std::string err;
};

inline Result run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run(args, out, err);
  return {status, out.str(), err.str()};
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline void expect_bad_input(const Result& r, const std::string& part) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("descent: ")) << r.err;
  EXPECT_TRUE(contains(r.err, part)) << "expected '" << part << "' in: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace descent::cli::testing
