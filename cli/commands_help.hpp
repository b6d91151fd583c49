#pragma once
// The top-level `descent --help`: each command with all its flags, so that one page describes everything.
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

std::string commands_help(const CLI::App& app);

}  // namespace descent::cli
