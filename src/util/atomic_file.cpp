#include "descent/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "descent/error.hpp"

namespace descent::util {
namespace {

constexpr std::size_t kBufferSize = std::size_t{1} << 16;
constexpr std::string_view kPartial = ".partial";

// ".<name>." : what every temporary file of `path` starts with, the pid after it.
std::string temp_prefix(const std::filesystem::path& path) {
  // Appended, not "." + ...: that trips GCC 12's -Wrestrict false alarm.
  return std::string(".").append(path.filename().string()).append(".");
}

std::filesystem::path temp_beside(const std::filesystem::path& path) {
  return path.parent_path() / temp_prefix(path).append(std::to_string(::getpid())).append(kPartial);
}

// Removes the temporary files of `path` that killed processes left behind: those whose pid is gone.
void remove_stale_temporaries(const std::filesystem::path& path) {
  const std::string prefix = temp_prefix(path);
  std::error_code ec;
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(kPartial)) continue;
    const std::string pid = name.substr(prefix.size(), name.size() - prefix.size() - kPartial.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
    const pid_t owner = static_cast<pid_t>(std::stol(pid));
    if (owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

// fsync of a directory: the rename in it is durable after it.
void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void abort_here_for_tests(const std::filesystem::path& path) {
  const char* target = std::getenv("DESCENT_TEST_ABORT_BEFORE_RENAME");
  if (target && *target && path.filename() == target) ::raise(SIGKILL);
}

}  // namespace

FileBuffer::FileBuffer(int fd) : fd_(fd), buffer_(new char[kBufferSize]) {
  setp(buffer_.get(), buffer_.get() + kBufferSize);
}

FileBuffer::~FileBuffer() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileBuffer::write_all(const char* s, std::size_t n) {
  if (error_) return false;
  while (n > 0) {
    const ssize_t written = ::write(fd_, s, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      error_ = written < 0 ? errno : EIO;
      return false;
    }
    s += written;
    n -= static_cast<std::size_t>(written);
  }
  return true;
}

bool FileBuffer::drain() {
  const bool ok = write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  setp(buffer_.get(), buffer_.get() + kBufferSize);
  return ok;
}

FileBuffer::int_type FileBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FileBuffer::xsputn(const char* s, std::streamsize n) {
  // Large writes (a tensor's bytes) go straight to the file, small ones into the buffer.
  if (n >= epptr() - pptr()) {
    if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
  }
  std::memcpy(pptr(), s, static_cast<std::size_t>(n));
  pbump(static_cast<int>(n));
  return n;
}

int FileBuffer::sync() { return drain() ? 0 : -1; }

bool FileBuffer::sync_and_close() {
  if (drain() && ::fsync(fd_) != 0) error_ = errno;
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0 && !error_) error_ = errno;  // NFS reports a failed write here
  return error_ == 0;
}

AtomicFile::AtomicFile(std::filesystem::path path, std::string_view what)
    : path_(std::move(path)), temp_(temp_beside(path_)), what_(what), out_(nullptr) {
  remove_stale_temporaries(path_);
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int error = errno;
    throw IoError(path_.string() + ": cannot write " + what_ + ": " + std::strerror(error));
  }
  buffer_ = std::make_unique<FileBuffer>(fd);
  out_.rdbuf(buffer_.get());
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  buffer_.reset();
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
}

void AtomicFile::commit() {
  std::string reason;
  if (!buffer_->sync_and_close() || !out_)
    reason = buffer_->error() ? std::strerror(buffer_->error()) : "the writer failed";
  if (reason.empty()) {
    abort_here_for_tests(path_);
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) reason = std::strerror(errno);
  }
  if (!reason.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    throw IoError(path_.string() + ": cannot write " + what_ + ": " + reason);
  }
  committed_ = true;
  // The rename is durable once the directory is: a failure here leaves the new file in place.
  sync_directory(path_.parent_path());
}

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write,
                           std::string_view what) {
  AtomicFile file(path, what);
  write(file.stream());
  file.commit();
}

}  // namespace descent::util
