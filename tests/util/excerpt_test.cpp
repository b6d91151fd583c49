#include "descent/util/excerpt.hpp"

#include <gtest/gtest.h>

namespace descent::util {
namespace {

TEST(Excerpt, KeepsShortTextAndCutsLongText) {
  EXPECT_EQ(excerpt("x^2"), "x^2");
  EXPECT_EQ(excerpt(std::string(60, 'a')), std::string(60, 'a'));
  EXPECT_EQ(excerpt(std::string(80000, 'a'), 5), "aaaaa... (80000 bytes)");
}

TEST(Excerpt, AroundAByteMarksBothCuts) {
  std::size_t offset = 99;
  EXPECT_EQ(excerpt_around("x^^2", 2, offset), "x^^2");
  EXPECT_EQ(offset, 2u);
  const std::string text = std::string(100, 'a') + "#" + std::string(100, 'b');
  const std::string shown = excerpt_around(text, 100, offset, 30);
  EXPECT_EQ(shown, "..." + std::string(10, 'a') + "#" + std::string(19, 'b') + "...");
  EXPECT_EQ(shown[offset], '#');
  // At the start and at the end (one past the last byte, where "missing ')'" points).
  EXPECT_EQ(excerpt_around(text, 0, offset, 30), std::string(30, 'a') + "...");
  EXPECT_EQ(offset, 0u);
  const std::string end = excerpt_around(text, text.size(), offset, 30);
  EXPECT_EQ(end, "..." + std::string(30, 'b'));
  EXPECT_EQ(offset, end.size());
}

}  // namespace
}  // namespace descent::util
