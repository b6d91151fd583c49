#pragma once
// Messages for a command line CLI11 parsed but did not take whole: an unknown command, option or
// argument, with a suggestion for a near miss ("did you mean --epochs?") and where to find the usage.
#include <string>

namespace CLI {
class App;
}

namespace descent::cli {

// "; run 'descent train --help' for usage", for the command `cmd`.
std::string help_hint(const CLI::App& cmd);
// The first argument `cmd` did not take, as a message; empty when it took them all.
std::string leftover_message(const CLI::App& cmd);

}  // namespace descent::cli
