#pragma once
// `mpirun -np N descent ...` from a test: the launcher CMake found (DESCENT_MPIEXEC, defined when descent
// is built with MPI), two ranks on this machine whatever its cores (--oversubscribe), allowed to run as
// root (CI runs as root), through /bin/sh so that stdout and stderr land in files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/descent_exe.hpp"
#include "support/text.hpp"

namespace descent::distributed::testing {

#ifdef DESCENT_MPIEXEC
inline constexpr bool kHaveMpi = true;
inline constexpr const char* kMpiexec = DESCENT_MPIEXEC;
#else
inline constexpr bool kHaveMpi = false;
inline constexpr const char* kMpiexec = "";
#endif

struct Launched {
  int status = -1;  // the exit status, -1 when a signal ended the launcher
  std::string out, err;
  double seconds = 0;
};

inline std::string shell_word(const std::string& word) {
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Under the sanitized run, the ranks keep ASan and UBSan but not the leak check: Open MPI loads its
// components with dlopen and unloads them in MPI_Finalize, so what they keep until the end is reported
// from an unknown module, which no suppression can name. The rest of the suite checks descent's leaks.
inline std::string leak_check_off() {
  const char* asan = std::getenv("ASAN_OPTIONS");
  if (!asan || std::string(asan).find("detect_leaks=1") == std::string::npos) return "";
  std::string options = asan;
  options.replace(options.find("detect_leaks=1"), 14, "detect_leaks=0");
  return "ASAN_OPTIONS=" + shell_word(options) + " ";
}

// The command line of one group of ranks running descent with `args` (mpirun's MPMD form joins groups
// with " : ").
inline std::string rank_group(int ranks, const std::vector<std::string>& args) {
  std::string line = "-np " + std::to_string(ranks) + " " + descent::testing::quoted_descent_exe();
  for (const std::string& a : args) line += " " + shell_word(a);
  return line;
}

// The shell command that runs `mpirun [options] GROUPS` under timeout(1) (exec'ed: the shell's pid
// becomes timeout's), ending it after `limit_seconds`, stdout and stderr in `dir`/mpirun.out and mpirun.err. stdin is
// /dev/null: mpirun forwards its stdin to rank 0, and a background job's would stop it.
inline std::string launch_command(const std::string& groups, const std::filesystem::path& dir, int limit_seconds) {
  const std::string out = (dir / "mpirun.out").string(), err = (dir / "mpirun.err").string();
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none " +
         leak_check_off() + "OMPI_MCA_mpi_yield_when_idle=1 exec timeout -s KILL " + std::to_string(limit_seconds) +
         " " + kMpiexec + " --oversubscribe --bind-to none " + groups + " < /dev/null > " + shell_word(out) + " 2> " +
         shell_word(err);
}

// Runs `mpirun [options] GROUPS` to its end.
inline Launched launch(const std::string& groups, const std::filesystem::path& dir, int limit_seconds = 120) {
  const std::string command = launch_command(groups, dir, limit_seconds);
  const auto start = std::chrono::steady_clock::now();
  const int raw = std::system(command.c_str());
  Launched r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = descent::testing::read_text((dir / "mpirun.out").string());
  r.err = descent::testing::read_text((dir / "mpirun.err").string());
  return r;
}

// `mpirun -np ranks descent args...`
inline Launched mpirun(int ranks, const std::vector<std::string>& args, const std::filesystem::path& dir,
                       int limit_seconds = 120) {
  return launch(rank_group(ranks, args), dir, limit_seconds);
}

// The pids of the running processes whose command line holds `word` and whose program is descent (the
// ranks of a run, not mpirun or the shell that started it).
inline std::vector<int> descent_processes_with(const std::string& word) {
  std::vector<int> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = descent::testing::read_text((entry.path() / "cmdline").string());
    const std::string program = cmdline.substr(0, cmdline.find('\0'));
    if (program != descent::testing::descent_exe()) continue;
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(word) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

}  // namespace descent::distributed::testing
