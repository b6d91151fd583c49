// Grey images from PNG (written here by libpng) and PGM files (written by hand, as pgm(5) describes
// them), and the errors of files that are neither, colour, corrupt or truncated.
#include "descent/data/image.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "data/idx_files.hpp"
#include "data/png_files.hpp"
#include "descent/error.hpp"

namespace descent::data {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::TempDir;

const std::vector<std::uint8_t> kImagePixels = {0, 1, 2, 128, 254, 255};  // 2 rows of 3

TEST(ImageTest, GreyPngReadsBackItsPixels) {
  TempDir dir;
  testing::write_png(dir.file("a.png"), 2, 3, kImagePixels);
  const GreyImage image = read_grey_image(dir.file("a.png"));
  EXPECT_EQ(image.rows, 2);
  EXPECT_EQ(image.cols, 3);
  EXPECT_EQ(image.pixels, kImagePixels);
}

TEST(ImageTest, SixteenBitPngIsScaledToBytes) {
  TempDir dir;
  // 0, 257 * 128 = 32896 and 65535: exactly 0, 128 and 255 in 8 bits (v * 255 / 65535); 300 rounds to 1.
  const std::vector<std::uint16_t> samples = {0, 32896, 65535, 300};
  std::vector<std::uint8_t> bytes(samples.size() * 2);
  std::memcpy(bytes.data(), samples.data(), bytes.size());
  testing::write_png(dir.file("a.png"), 2, 2, bytes, PNG_FORMAT_LINEAR_Y);
  EXPECT_EQ(read_grey_image(dir.file("a.png")).pixels, (std::vector<std::uint8_t>{0, 128, 255, 1}));
}

TEST(ImageTest, ColourPngIsRefused) {
  TempDir dir;
  testing::write_png(dir.file("c.png"), 1, 2, {1, 2, 3, 4, 5, 6}, PNG_FORMAT_RGB);
  expect_contains(error_message<IoError>([&] { read_grey_image(dir.file("c.png")); }),
                  {dir.file("c.png"), "RGB colour PNG image: expected a grey one"});
}

TEST(ImageTest, TruncatedPngIsCorrupt) {
  TempDir dir;
  std::vector<std::uint8_t> pixels(28 * 28);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 31);
  testing::write_png(dir.file("a.png"), 28, 28, pixels);
  testing::Bytes bytes = testing::read_raw(dir.file("a.png"));
  bytes.resize(bytes.size() - 40);  // into the image data
  testing::write_raw(dir.file("t.png"), bytes);
  expect_contains(error_message<IoError>([&] { read_grey_image(dir.file("t.png")); }),
                  {dir.file("t.png"), ": corrupt PNG image: "});
  bytes = testing::read_raw(dir.file("a.png"));
  const std::string text(bytes.begin(), bytes.end());
  const std::size_t idat = text.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  bytes[idat + 8] ^= 0xff;  // a flipped byte of the image data fails its chunk's CRC
  testing::write_raw(dir.file("f.png"), bytes);
  expect_contains(error_message<IoError>([&] { read_grey_image(dir.file("f.png")); }), {": corrupt PNG image: "});
}

TEST(ImageTest, BinaryAndTextPgm) {
  TempDir dir;
  std::string p5 = "P5\n# a comment\n3 2\n255\n";
  p5.append(reinterpret_cast<const char*>(kImagePixels.data()), kImagePixels.size());
  std::ofstream(dir.file("b.pgm"), std::ios::binary) << p5;
  GreyImage image = read_grey_image(dir.file("b.pgm"));
  EXPECT_EQ(image.rows, 2);
  EXPECT_EQ(image.cols, 3);
  EXPECT_EQ(image.pixels, kImagePixels);
  std::ofstream(dir.file("t.pgm")) << "P2 3 2 255\n0 1 2\n128 254 255 # last row\n";
  EXPECT_EQ(read_grey_image(dir.file("t.pgm")).pixels, kImagePixels);
  // Another largest value: 0-15 scaled to 0-255, rounded (v * 255 / 15 = 17 v).
  std::ofstream(dir.file("s.pgm")) << "P2 2 1 15 1 15\n";
  EXPECT_EQ(read_grey_image(dir.file("s.pgm")).pixels, (std::vector<std::uint8_t>{17, 255}));
  // Two-byte samples, big-endian: 0 and 65535 of 65535.
  std::ofstream(dir.file("w.pgm"), std::ios::binary) << "P5 2 1 65535\n" << std::string("\x00\x00\xff\xff", 4);
  EXPECT_EQ(read_grey_image(dir.file("w.pgm")).pixels, (std::vector<std::uint8_t>{0, 255}));
}

TEST(ImageTest, BadPgmNamesTheFieldAndTheOffset) {
  TempDir dir;
  auto message = [&](const std::string& text) {
    std::ofstream(dir.file("x.pgm"), std::ios::binary) << text;
    return error_message<IoError>([&] { read_grey_image(dir.file("x.pgm")); });
  };
  expect_contains(message("P5 3 2 255\n\x01\x02"),
                  {dir.file("x.pgm"), "2 samples: expected 6 (3 x 2): the file is truncated"});
  expect_contains(message("P2 3 x 255\n"), {"byte 5: not a number: expected the height, a whole number in [1, 65536]"});
  expect_contains(message("P2 1 1 9 10\n"), {"byte 11: 10: expected sample 0, a whole number in [0, 9]"});
  expect_contains(message("P5 2 1 9\n\x01\x0a"), {"sample 1 = 10: expected at most the largest value, 9"});
  expect_contains(message("P2 0 1 9\n"), {"0: expected the width"});
  expect_contains(message("P2 1 1 9 3 4\n"), {"2 bytes after the image: expected one image, nothing after it"});
  expect_contains(message("P2 1 1 9"), {"the end of the file: expected sample 0"});
}

TEST(ImageTest, OtherFilesAreNoImages) {
  TempDir dir;
  std::ofstream(dir.file("x.txt")) << "hello";
  expect_contains(error_message<IoError>([&] { read_grey_image(dir.file("x.txt")); }),
                  {dir.file("x.txt"), ": not a PNG or PGM image"});
  expect_contains(error_message<IoError>([&] { read_grey_image(dir.file("missing.png")); }),
                  {dir.file("missing.png"), ": cannot open"});
}

}  // namespace
}  // namespace descent::data
