#include "fuzz_input.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace descent::fuzz {

void prepare() {
  static const bool done = [] { return setenv("DESCENT_MAX_MEMORY", kFuzzMaxMemory, /*overwrite=*/0) == 0; }();
  (void)done;
}

namespace {

// This process's directory for input files, removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "descent-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory for fuzz inputs");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::string input_file(const std::uint8_t* data, std::size_t size, std::string_view name) {
  static const TempDir dir;
  const std::filesystem::path path = dir.path() / std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) throw std::runtime_error("cannot write the fuzz input " + path.string());
  return path.string();
}

}  // namespace descent::fuzz
