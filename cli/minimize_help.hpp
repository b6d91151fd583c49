#pragma once
// The footer of `descent minimize --help`: what it does, the functions, the optimizers and their
// flags, the trace's format, comparisons, examples and the exit statuses.
#include <string>

namespace descent::cli {

std::string minimize_help();

}  // namespace descent::cli
