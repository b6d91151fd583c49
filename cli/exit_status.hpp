#pragma once
// The exit statuses of the descent command, shared by every subcommand and its --help text.
#include <string_view>

namespace descent::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitCheckFailed = 1;  // a check ran and failed (descent check), or training diverged
inline constexpr int kExitBadInput = 2;     // unknown or malformed flag, missing or invalid config, bad data
inline constexpr int kExitInternal = 3;     // a bug: an exception that is not a descent::Error
// descent train stopped by a signal: 128 + its number (cli/stop_signals.hpp), as shells report it.

inline constexpr std::string_view kExitStatusHelp =
    "Exit status:\n"
    "  0  success\n"
    "  1  a check failed (descent check: each failure explained in a sentence), or training stopped\n"
    "     on a NaN or infinity (descent train: where it appeared, the update and the learning rate), or\n"
    "     on a loss that ran away ([diagnostics] divergence: the loss, its value and the update), or on\n"
    "     a checkpoint it could not write (disk full: the older checkpoint is left as it was)\n"
    "  2  bad input: unknown or malformed flag, missing or invalid config, missing or bad data, an\n"
    "     output that cannot be written, a checkpoint trained on other data\n"
    "  3  internal error (please report it)\n"
    "  130, 143  descent train stopped by SIGINT (Ctrl-C) or SIGTERM, its checkpoint written (with --save)";

}  // namespace descent::cli
