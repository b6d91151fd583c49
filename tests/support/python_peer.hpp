#pragma once
// The Python peers the interop tests compare against (Debian's python3-torch, python3-onnx,
// python3-opencv, installed by scripts/setup.sh unless --no-python). A test calls
// DESCENT_REQUIRE_PYTHON("torch", "python3-torch") first: without the module it skips with a message saying so.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace descent::testing {

// Debian's interpreter by its full path: a plain `python3` on PATH may not see Debian's packages.
inline constexpr const char* kPython = "/usr/bin/python3";

// Whether `import module` works in Debian's Python (asked once per module and test program).
inline bool python_has(const std::string& module) {
  static std::map<std::string, bool> known;
  auto it = known.find(module);
  if (it != known.end()) return it->second;
  const std::string command = std::string(kPython) + " -c 'import " + module + "' >/dev/null 2>&1";
  const bool has = std::system(command.c_str()) == 0;
  known.emplace(module, has);
  return has;
}

struct PythonRun {
  int status;
  std::string out;  // stdout and stderr together
};

// Runs `/usr/bin/python3 SCRIPT ARGS` (ARGS already shell-quoted) and returns its exit status and output.
inline PythonRun run_python(const std::string& script, const std::string& args) {
  const std::string command = std::string(kPython) + " " + script + " " + args + " 2>&1";
  PythonRun result{-1, {}};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace descent::testing

// Skips the test, with a visible message, when Debian's Python lacks `module` (from Debian `package`). A
// macro because GTEST_SKIP must return from the test body itself.
#define DESCENT_REQUIRE_PYTHON(module, package)                                        \
  do {                                                                                 \
    if (!::descent::testing::python_has(module))                                       \
      GTEST_SKIP() << "needs Python module '" << (module) << "' (Debian " << (package) \
                   << "; scripts/setup.sh installs it unless --no-python)";            \
  } while (false)
