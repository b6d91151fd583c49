// check_output_paths (util/output_paths.hpp): each reason an output cannot be written, named with its
// flag and path, and nothing created by the check itself.
#include "descent/util/output_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "data/idx_files.hpp"
#include "descent/error.hpp"

namespace descent::util {
namespace {

using data::testing::error_message;
using data::testing::TempDir;

std::string why(const std::vector<OutputPath>& outputs) {
  return error_message<IoError>([&] { check_output_paths(outputs); });
}

TEST(OutputPaths, WritablePathsPassAndNothingIsCreated) {
  TempDir dir;
  std::ofstream(dir.file("old.jsonl")) << "{}\n";
  const std::vector<OutputPath> outputs = {
      {"--save", dir.file("new.safetensors")}, {"--metrics", dir.file("old.jsonl")}, {"--trace", ""}};
  EXPECT_NO_THROW(check_output_paths(outputs));
  EXPECT_FALSE(std::filesystem::exists(dir.file("new.safetensors")));
  const std::vector<OutputPath> here = {{"--output", "picture.svg"}};  // no directory part: the current one
  EXPECT_NO_THROW(check_output_paths(here));
  EXPECT_FALSE(std::filesystem::exists("picture.svg"));
}

TEST(OutputPaths, EachReasonIsNamedWithTheFlagAndThePath) {
  TempDir dir;
  std::ofstream(dir.file("plain.txt")) << "x";
  const std::string missing = dir.file("missing");
  EXPECT_EQ(why({{"--save", missing + "/c.safetensors"}}),
            "--save " + missing + "/c.safetensors: the directory " + missing + " does not exist; nothing was written");
  EXPECT_EQ(why({{"--metrics", dir.path()}}), "--metrics " + dir.path() + ": it is a directory; nothing was written");
  EXPECT_EQ(why({{"--trace", dir.file("plain.txt") + "/t.csv"}}), "--trace " + dir.file("plain.txt") +
                                                                      "/t.csv: " + dir.file("plain.txt") +
                                                                      " is not a directory; nothing was written");
  EXPECT_EQ(why({{"--metrics", dir.file("a.jsonl")}, {"--save", dir.path() + "/./a.jsonl"}}),
            "--metrics and --save both name " + dir.path() +
                "/./a.jsonl: each output needs a file of its own; "
                "nothing was written");
  EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
}  // namespace descent::util
