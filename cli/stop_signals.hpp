#pragma once
// Ctrl-C (SIGINT) and SIGTERM during `descent train`: the first asks the run to stop after the update
// under way (train/run.hpp: RunOptions::stop), so that its checkpoint is written and it can be resumed;
// a second one of the same signal ends the process at once, as without the handler. The handler only
// stores the signal's number (async-signal-safe). A signal the process inherited as ignored (a job
// started with `nohup` or `&` by a script) stays ignored.
#include <csignal>

namespace descent::cli {

class StopSignals {
 public:
  StopSignals();   // installs the handlers and clears the flag
  ~StopSignals();  // puts the previous handlers back
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // 0 until a signal came, then its number.
  const volatile std::sig_atomic_t* flag() const;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  bool installed_int_ = false, installed_term_ = false;
};

// The conventional exit status of a process stopped by `signal`: 128 + its number (130 for SIGINT,
// 143 for SIGTERM).
constexpr int exit_status_for_signal(int signal) { return 128 + signal; }

}  // namespace descent::cli
