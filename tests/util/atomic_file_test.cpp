// write_file_atomically and AtomicFile: the file appears whole on success, and on any failure the older
// file stays as it was and no temporary file is left behind; those of killed writers go at the next
// write. (Kills, and a write failing for a file-size limit, are in tests/cli/crash_safety_test.cpp.)
#include "descent/util/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "data/idx_files.hpp"
#include "descent/error.hpp"

namespace descent::util {
namespace {

namespace fs = std::filesystem;
using data::testing::TempDir;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, WritesTheWholeFile) {
  TempDir dir;
  const fs::path path = dir.file("a.txt");
  write_file_atomically(path, [](std::ostream& out) { out << "one\r\ntwo\0three"; });
  EXPECT_EQ(read(path), "one\r\ntwo");
  write_file_atomically(path, [](std::ostream& out) { out << "replaced"; });
  EXPECT_EQ(read(path), "replaced");
  EXPECT_EQ(files_in(path.parent_path()), 1u);
}

TEST(AtomicFile, OldFileIntactWhenTheWriterThrows) {
  TempDir dir;
  const fs::path path = dir.file("a.txt");
  write_file_atomically(path, [](std::ostream& out) { out << "old"; });
  EXPECT_THROW(write_file_atomically(path,
                                     [](std::ostream& out) {
                                       out << "half of the new";
                                       throw std::runtime_error("stopped");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read(path), "old");
  EXPECT_EQ(files_in(path.parent_path()), 1u);
}

TEST(AtomicFile, NothingInPlaceUntilCommitted) {
  TempDir dir;
  const fs::path path = dir.file("trace.csv");
  {
    AtomicFile file(path);
    file.stream() << "row\n";
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(files_in(path.parent_path()), 1u);  // the temporary file, beside the target
  }
  EXPECT_EQ(files_in(path.parent_path()), 0u);
  AtomicFile file(path);
  file.stream() << "row\n";
  file.commit();
  EXPECT_EQ(read(path), "row\n");
  EXPECT_EQ(files_in(path.parent_path()), 1u);
}

TEST(AtomicFile, UnwritableDirectoryNamesThePath) {
  TempDir dir;
  const fs::path path = dir.file("missing/a.txt");
  try {
    write_file_atomically(path, [](std::ostream& out) { out << "x"; });
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": cannot write the file: No such file or directory");
  }
}

TEST(AtomicFile, FailedRenameLeavesNoTemporary) {
  TempDir dir;
  const fs::path path = dir.file("taken");
  fs::create_directories(path / "inside");  // a non-empty directory cannot be replaced by a file
  try {
    write_file_atomically(
        path, [](std::ostream& out) { out << "x"; }, "the picture");
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(path.string() + ": cannot write the picture: ")) << e.what();
  }
  EXPECT_EQ(files_in(path.parent_path()), 1u);
  EXPECT_TRUE(fs::is_directory(path));
}

TEST(AtomicFile, TemporariesOfKilledWritersAreRemovedByTheNextWrite) {
  TempDir dir;
  const fs::path path = dir.file("c.safetensors");
  auto touch = [&](const std::string& name) { std::ofstream(dir.file(name)) << "half"; };
  touch(".c.safetensors.999999999.partial");  // beyond any pid: its writer is gone
  touch(".c.safetensors.1.partial");          // init's: alive
  touch(".other.999999999.partial");          // another target's
  write_file_atomically(path, [](std::ostream& out) { out << "whole"; });
  EXPECT_EQ(read(path), "whole");
  EXPECT_FALSE(fs::exists(dir.file(".c.safetensors.999999999.partial")));
  EXPECT_TRUE(fs::exists(dir.file(".c.safetensors.1.partial")));
  EXPECT_TRUE(fs::exists(dir.file(".other.999999999.partial")));
}

}  // namespace
}  // namespace descent::util
