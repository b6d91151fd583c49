#pragma once
// The descent command line, callable in-process (main.cpp is one line; tests call run() directly).
#include <ostream>
#include <string>
#include <vector>

namespace descent::cli {

// Runs `descent args...` (args excludes the program name) and returns the exit status:
// 0 success, 1 a check that failed, 2 bad input, 3 internal error (exit_status.hpp). Errors are written
// to `err` as one line, "descent: <message>".
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace descent::cli
