#pragma once
// The descent executable (descent_exe()) run as a child process, for what an in-process run cannot show:
// a kill -9 at any moment, a signal, a file-size limit. fork and exec, so that the child can take a
// resource limit; between the two only async-signal-safe calls (the test program has threads).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/descent_exe.hpp"

extern char** environ;

namespace descent::cli::testing {

struct ChildOptions {
  std::vector<std::string> env;                                // "NAME=value" added to the test's environment
  std::string out_path = "/dev/null", err_path = "/dev/null";  // where stdout and stderr go (truncated)
  rlim_t file_size_limit = RLIM_INFINITY;  // RLIMIT_FSIZE, with SIGXFSZ ignored: a write beyond fails (EFBIG)
};

class Child {
 public:
  // Starts `descent_exe() args...`.
  Child(const std::vector<std::string>& args, const ChildOptions& options = {}) {
    std::vector<std::string> argv_text = {descent::testing::descent_exe()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
    env_text.insert(env_text.end(), options.env.begin(), options.env.end());
    std::vector<char*> argv, envp;
    for (std::string& a : argv_text) argv.push_back(a.data());
    for (std::string& e : env_text) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ != 0) return;
    // The child: the signals as a fresh process has them, the limit, the redirections, then exec.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int s : {SIGINT, SIGTERM, SIGXFSZ}) ::sigaction(s, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (options.file_size_limit != RLIM_INFINITY) {
      const rlimit limit{options.file_size_limit, options.file_size_limit};
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0 || ::sigaction(SIGXFSZ, &ignore, nullptr) != 0) ::_exit(121);
    }
    const int out = ::open(options.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(options.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(122);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(123);
  }
  ~Child() {
    if (!reaped_ && pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `s` unless it has ended (its pid may then be another process's).
  void signal(int s) {
    if (!ended()) ::kill(pid_, s);
  }
  // Whether it has ended by now (its status then in status()).
  bool ended() {
    if (!reaped_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }
  // Waits for the end; returns the raw wait status.
  int wait() {
    while (!reaped_) {
      if (::waitpid(pid_, &status_, 0) == pid_) reaped_ = true;
      else if (errno != EINTR) break;
    }
    return status_;
  }
  // The exit status, or -1 when a signal ended it.
  int exit_status() {
    const int s = wait();
    return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  }
  int killed_by() {
    const int s = wait();
    return WIFSIGNALED(s) ? WTERMSIG(s) : 0;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// The status of `descent_exe() args...` run to its end.
inline int run_child(const std::vector<std::string>& args, const ChildOptions& options = {}) {
  Child child(args, options);
  return child.exit_status();
}

}  // namespace descent::cli::testing
