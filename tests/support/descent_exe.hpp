#pragma once
// The descent program the tests run as a child process: $DESCENT_EXE, which CTest sets to the Release
// program or to its sanitized twin (tests/CMakeLists.txt), else the Release program this test was
// built beside. A run-time choice because the same test objects serve both runs.
#include <cstdlib>
#include <string>

namespace descent::testing {

inline std::string descent_exe() {
  const char* path = std::getenv("DESCENT_EXE");
  return path != nullptr && *path != '\0' ? path : DESCENT_EXE_DEFAULT;
}

// descent_exe() in single quotes, for a shell command line.
inline std::string quoted_descent_exe() { return std::string("'").append(descent_exe()).append("'"); }

}  // namespace descent::testing
