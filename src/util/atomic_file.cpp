#include "descent/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "descent/error.hpp"

namespace descent::util {
namespace {

std::filesystem::path temp_beside(const std::filesystem::path& path) {
  // Appended, not "." + ...: that trips GCC 12's -Wrestrict false alarm.
  const std::string name = std::string(".")
                               .append(path.filename().string())
                               .append(".")
                               .append(std::to_string(::getpid()))
                               .append(".partial");
  return path.parent_path() / name;
}

// fsync of a file or directory by name; the data written through another descriptor is on disk after it.
bool sync(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path, std::string_view what)
    : path_(std::move(path)), temp_(temp_beside(path_)), what_(what) {
  errno = 0;
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    const int error = errno;
    throw IoError(path_.string() + ": cannot write " + what_ + ": " + (error ? std::strerror(error) : "unknown error"));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
}

void AtomicFile::commit() {
  errno = 0;
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  std::string reason;
  if (!written || !out_) reason = errno ? std::strerror(errno) : "the stream failed (disk full?)";
  else if (!sync(temp_, O_RDONLY) || std::rename(temp_.c_str(), path_.c_str()) != 0) reason = std::strerror(errno);
  if (!reason.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    throw IoError(path_.string() + ": cannot write " + what_ + ": " + reason);
  }
  committed_ = true;
  // The rename is durable once the directory is: a failure here leaves the new file in place.
  sync(path_.parent_path().empty() ? "." : path_.parent_path(), O_RDONLY | O_DIRECTORY);
}

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write,
                           std::string_view what) {
  AtomicFile file(path, what);
  write(file.stream());
  file.commit();
}

}  // namespace descent::util
