#pragma once
// Grey images read from PNG files (through libpng) and PGM files (netpbm's P5, binary, and P2, text),
// for `descent predict`: one image of rows x cols pixels, 0 black to 255 white, as an MNIST image in
// an IDX file holds them.
//   GreyImage digit = read_grey_image("seven.png");   // digit.rows == 28, digit.pixels.size() == 784
// The format is told by the first bytes, not the file name. Colour images, and images with an alpha
// channel, are refused rather than converted: the model sees the values its training data held, and a
// conversion would make up others.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace descent::data {

struct GreyImage {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // rows * cols, row-major; 16-bit and 1, 2, 4-bit samples scaled to 0-255
};

// Whether `head`, a file's first bytes (8 suffice), starts as a PNG ("\x89PNG\r\n\x1a\n") or a PGM
// ("P5" or "P2") does.
bool is_png(std::string_view head);
bool is_pgm(std::string_view head);

// Throws IoError naming the file and what was expected: missing or unreadable, neither PNG nor PGM, a
// colour or alpha image, a corrupt or truncated file (libpng's message, or the PGM field and offset),
// more than 2^26 pixels.
GreyImage read_grey_image(const std::string& path);

}  // namespace descent::data
