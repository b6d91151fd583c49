#include "descent/util/output_paths.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "descent/error.hpp"

namespace descent::util {
namespace {

namespace fs = std::filesystem;

// Why `path` cannot be written, or empty.
std::string unwritable(const fs::path& path) {
  std::error_code ec;
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (fs::is_directory(path, ec)) return "it is a directory";
  if (!fs::exists(dir, ec)) return "the directory " + dir.string() + " does not exist";
  if (!fs::is_directory(dir, ec)) return dir.string() + " is not a directory";
  // access() asks the kernel with the caller's rights, read-only file systems included, and creates nothing.
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    return "the directory " + dir.string() + " cannot be written (" + std::strerror(errno) + ")";
  if (fs::exists(path, ec) && access(path.c_str(), W_OK) != 0)
    return "the file cannot be written (" + std::string(std::strerror(errno)) + ")";
  return {};
}

bool same_file(const fs::path& a, const fs::path& b) {
  return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
}

}  // namespace

void check_output_paths(std::span<const OutputPath> outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const OutputPath& out = outputs[i];
    if (out.path.empty()) continue;
    if (const std::string why = unwritable(out.path); !why.empty())
      throw IoError(out.flag + " " + out.path + ": " + why + "; nothing was written");
    for (std::size_t j = 0; j < i; ++j) {
      const OutputPath& earlier = outputs[j];
      if (!earlier.path.empty() && same_file(earlier.path, out.path))
        throw IoError(earlier.flag + " and " + out.flag + " both name " + out.path +
                      ": each output needs a file of its own; nothing was written");
    }
  }
}

}  // namespace descent::util
