#include "stop_signals.hpp"

namespace descent::cli {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int signal) { stop_requested = signal; }

// Installs request_stop for `signal` unless it is ignored; SA_RESETHAND: the handler runs once, and a
// second signal takes the default action (the process ends).
bool install(int signal, struct sigaction& previous) {
  if (sigaction(signal, nullptr, &previous) != 0 || previous.sa_handler == SIG_IGN) return false;
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  return sigaction(signal, &action, nullptr) == 0;
}

}  // namespace

StopSignals::StopSignals() {
  stop_requested = 0;
  installed_int_ = install(SIGINT, previous_int_);
  installed_term_ = install(SIGTERM, previous_term_);
}

StopSignals::~StopSignals() {
  if (installed_int_) sigaction(SIGINT, &previous_int_, nullptr);
  if (installed_term_) sigaction(SIGTERM, &previous_term_, nullptr);
}

const volatile std::sig_atomic_t* StopSignals::flag() const { return &stop_requested; }

}  // namespace descent::cli
