#pragma once
// Files that appear whole or not at all. Every file descent writes (checkpoints, traces, pictures,
// landscapes) is written to a temporary file beside its target, flushed and fsync'ed, renamed into
// place (rename is atomic within a directory), and the directory fsync'ed, so that a crash or an error
// never leaves a half-written file under the target's name, and an older file stays intact until the
// new one replaces it. Metrics files are the exception: they grow a line per epoch (train/run.cpp).
//   util::write_file_atomically("walk.csv", [&](std::ostream& out) { out << text; });
// or, for a file written over a whole run:
//   util::AtomicFile file("trace.csv");   // creates the temporary file
//   file.stream() << row;                 // ... as the run goes
//   file.commit();                        // into place; without it the destructor removes the temporary
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace descent::util {

class AtomicFile {
 public:
  // Creates the temporary file ".<name>.<pid>.partial" beside `path`. Throws IoError
  // "<path>: cannot write <what>: <reason>" (what: "the trace", "the checkpoint", ...).
  explicit AtomicFile(std::filesystem::path path, std::string_view what = "the file");
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::filesystem::path& path() const { return path_; }

  // Flushes, fsyncs, renames the temporary file to `path` and fsyncs the directory. Throws IoError
  // "<path>: cannot write <what>: <reason>" and removes the temporary file when any step fails.
  void commit();

 private:
  std::filesystem::path path_, temp_;
  std::string what_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes `path` as `write` fills the stream, atomically as above. When `write` throws, the temporary
// file is removed, any older file at `path` is left as it was, and the exception propagates.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write,
                           std::string_view what = "the file");

}  // namespace descent::util
