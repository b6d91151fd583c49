#pragma once
// Files that appear whole or not at all. Every file descent writes (checkpoints, traces, pictures,
// landscapes) is written to a temporary file beside its target, flushed and fsync'ed, renamed into
// place (rename is atomic within a directory), and the directory fsync'ed, so that a crash, a kill -9 or
// a power loss at any moment leaves under the target's name either the older file or the whole new one,
// never a torn one. Metrics files are the exception: they grow a line per epoch (train/run.cpp).
//   util::write_file_atomically("walk.csv", [&](std::ostream& out) { out << text; });
// or, for a file written over a whole run:
//   util::AtomicFile file("trace.csv");   // creates the temporary file
//   file.stream() << row;                 // ... as the run goes
//   file.commit();                        // into place; without it the destructor removes the temporary
// A process killed while writing leaves its temporary file ".<name>.<pid>.partial"; the next AtomicFile
// of the same target removes those whose process is gone.
//
// For tests of crash safety, DESCENT_TEST_ABORT_BEFORE_RENAME=<name> kills the process (SIGKILL) once
// the temporary file of a target called <name> is written and fsync'ed, just before the rename.
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace descent::util {

// The temporary file's bytes on their way to disk: a plain descriptor, so that commit can fsync it, and
// a failed write keeps its errno (ENOSPC, EFBIG) for the message.
class FileBuffer : public std::streambuf {
 public:
  explicit FileBuffer(int fd);
  ~FileBuffer() override;
  FileBuffer(const FileBuffer&) = delete;
  FileBuffer& operator=(const FileBuffer&) = delete;

  int fd() const { return fd_; }
  int error() const { return error_; }  // the errno of the first failed write, 0 if none
  // Writes out what is buffered, fsyncs and closes the descriptor; false with error() set when any fails.
  bool sync_and_close();

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool write_all(const char* s, std::size_t n);
  bool drain();

  int fd_;
  int error_ = 0;
  std::unique_ptr<char[]> buffer_;
};

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
  // "<path>: cannot write <what>: <reason>" (the reason of the write that failed first: "No space left
  // on device", "File too large") and removes the temporary file when any step fails; the file at
  // `path`, if any, is then left as it was.
  void commit();

 private:
  std::filesystem::path path_, temp_;
  std::string what_;
  std::unique_ptr<FileBuffer> buffer_;
  std::ostream out_;
  bool committed_ = false;
};

// Writes `path` as `write` fills the stream, atomically as above. When `write` throws, the temporary
// file is removed, any older file at `path` is left as it was, and the exception propagates.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write,
                           std::string_view what = "the file");

}  // namespace descent::util
