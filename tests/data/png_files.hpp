#pragma once
// PNG images written by libpng's simplified API, for the tests of code that reads them.
#include <png.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace descent::data::testing {

// rows x cols samples, row-major, in libpng's `format` (PNG_FORMAT_GRAY: one byte a pixel;
// PNG_FORMAT_RGB: three; PNG_FORMAT_LINEAR_Y: one 16-bit sample a pixel, given as two bytes in the
// machine's order).
inline void write_png(const std::string& path, std::uint32_t rows, std::uint32_t cols,
                      const std::vector<std::uint8_t>& samples, std::uint32_t format = PNG_FORMAT_GRAY) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = cols;
  image.height = rows;
  image.format = format;
  if (!png_image_write_to_file(&image, path.c_str(), 0, samples.data(), 0, nullptr))
    throw std::runtime_error("cannot write " + path + ": " + image.message);
}

}  // namespace descent::data::testing
