#include "descent/util/split.hpp"

#include <gtest/gtest.h>

namespace descent::util {
namespace {

TEST(Split, KeepsEveryPart) {
  EXPECT_EQ(split("-1.5,2", ','), (std::vector<std::string>{"-1.5", "2"}));
  EXPECT_EQ(split("adam", ':'), std::vector<std::string>{"adam"});
  EXPECT_EQ(split("", ','), std::vector<std::string>{""});
  EXPECT_EQ(split("a,,b,", ','), (std::vector<std::string>{"a", "", "b", ""}));
}

}  // namespace
}  // namespace descent::util
