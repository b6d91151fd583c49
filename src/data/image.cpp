#include "descent/data/image.hpp"

#include <png.h>

#include <cctype>
#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "descent/error.hpp"

namespace descent::data {
namespace {

constexpr std::int64_t kMaxPixels = std::int64_t{1} << 26;
constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

// ---- PNG, through libpng's classic API ----------------------------------------------------------
// libpng reports an error by calling on_png_error, which must not return: it longjmps back to the
// setjmp in decode_png. Between the two only libpng's C frames and decode_png's trivially destructible
// locals lie, so no destructor is skipped; whatever owns memory (the png structs, the pixels) lives
// in read_png, outside the jump.

struct PngMessage {
  char text[200] = {};
};

void on_png_error(png_structp png, png_const_charp message) {
  auto* m = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(m->text, sizeof m->text, "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}  // a warning leaves the image readable

// The read and info structs, freed together.
struct PngStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  PngStructs() = default;
  PngStructs(const PngStructs&) = delete;
  PngStructs& operator=(const PngStructs&) = delete;
  ~PngStructs() {
    if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  }
};

struct PngHeader {
  png_uint_32 rows = 0, cols = 0;
  int colour_type = 0;
};

// Reads the header into `header`; returns false when libpng failed (its message in the error pointer).
bool read_png_header(png_structp png, png_infop info, std::FILE* file, PngHeader& header) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_user_limits(png, 1u << 16, 1u << 16);
  png_read_info(png, info);
  header.cols = png_get_image_width(png, info);
  header.rows = png_get_image_height(png, info);
  header.colour_type = png_get_color_type(png, info);
  return true;
}

// Decodes the pixels of a grey image whose header has been read into `pixels` (rows * cols bytes);
// returns false when libpng failed.
bool read_png_pixels(png_structp png, png_infop info, const PngHeader& header, std::uint8_t* pixels) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_expand_gray_1_2_4_to_8(png);
  png_set_scale_16(png);  // 16-bit samples to 8 bits, rounded (v * 255 / 65535)
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  // Each pass of an interlaced image fills in more of the same rows.
  for (int pass = 0; pass < passes; ++pass)
    for (png_uint_32 r = 0; r < header.rows; ++r) png_read_row(png, pixels + std::size_t{r} * header.cols, nullptr);
  png_read_end(png, nullptr);
  return true;
}

std::string colour_type_name(int type) {
  switch (type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "grey with alpha";
    case PNG_COLOR_TYPE_PALETTE: return "palette colour";
    case PNG_COLOR_TYPE_RGB: return "RGB colour";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "RGBA colour";
    default: return "colour type " + std::to_string(type);
  }
}

GreyImage read_png(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw IoError(path + ": cannot open");
  PngMessage message;
  PngStructs s;
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &message, on_png_error, on_png_warning);
  if (s.png) s.info = png_create_info_struct(s.png);
  png_structp png = s.png;
  png_infop info = s.info;
  if (!png || !info) throw IoError(path + ": cannot read the PNG image: libpng is out of memory");
  auto corrupt = [&] { return IoError(path + ": corrupt PNG image: " + message.text); };
  PngHeader header;
  if (!read_png_header(png, info, file.get(), header)) throw corrupt();
  if (header.colour_type != PNG_COLOR_TYPE_GRAY)
    throw IoError(path + ": a " + colour_type_name(header.colour_type) +
                  " PNG image: expected a grey one (PNG colour type 0), without alpha");
  GreyImage image{header.rows, header.cols, {}};
  if (image.rows * image.cols > kMaxPixels)
    throw IoError(path + ": " + std::to_string(image.rows) + " x " + std::to_string(image.cols) +
                  " pixels: expected at most 2^26 pixels");
  image.pixels.resize(static_cast<std::size_t>(image.rows * image.cols));
  if (!read_png_pixels(png, info, header, image.pixels.data())) throw corrupt();
  return image;
}

// ---- PGM, by hand ---------------------------------------------------------------------------------
// netpbm's pgm(5) is four whitespace-separated decimal numbers after the magic (width, height, the
// largest value), '#' comments to the end of a line, then the samples: bytes (two bytes big-endian when
// the largest value exceeds 255) in P5, decimal text in P2. That is simpler to read and check here
// than to bring in libnetpbm, which adds a library and reports errors by exiting the process.

class PgmReader {
 public:
  PgmReader(std::string path, std::string bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {}

  GreyImage read() {
    const bool binary = bytes_[1] == '5';
    pos_ = 2;
    GreyImage image;
    image.cols = number("the width", 1, 1 << 16);
    image.rows = number("the height", 1, 1 << 16);
    if (image.rows * image.cols > kMaxPixels)
      throw error(std::to_string(image.rows) + " x " + std::to_string(image.cols) + " pixels", "at most 2^26 pixels");
    const std::int64_t max = number("the largest value", 1, 65535);
    const std::int64_t n = image.rows * image.cols;
    image.pixels.resize(static_cast<std::size_t>(n));
    if (binary) {
      if (pos_ >= bytes_.size() || !std::isspace(static_cast<unsigned char>(bytes_[pos_])))
        throw error("no whitespace after the largest value", "one whitespace character, then the samples");
      ++pos_;  // exactly one: a sample may be a whitespace byte
      const std::size_t width = max > 255 ? 2 : 1;
      if (bytes_.size() - pos_ < static_cast<std::size_t>(n) * width)
        throw error(std::to_string((bytes_.size() - pos_) / width) + " samples",
                    std::to_string(n) + " (" + std::to_string(image.cols) + " x " + std::to_string(image.rows) +
                        "): the file is truncated");
      for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t v = static_cast<unsigned char>(bytes_[pos_++]);
        if (width == 2) v = v * 256 + static_cast<unsigned char>(bytes_[pos_++]);
        image.pixels[static_cast<std::size_t>(i)] = sample(v, max, i);
      }
    } else {
      for (std::int64_t i = 0; i < n; ++i)
        image.pixels[static_cast<std::size_t>(i)] = sample(number("sample " + std::to_string(i), 0, max), max, i);
    }
    skip_space();
    if (pos_ != bytes_.size())
      throw error(std::to_string(bytes_.size() - pos_) + " bytes after the image", "one image, nothing after it");
    return image;
  }

 private:
  IoError error(const std::string& found, const std::string& expected) const {
    return IoError(path_ + ": byte " + std::to_string(pos_) + ": " + found + ": expected " + expected);
  }

  void skip_space() {
    while (pos_ < bytes_.size()) {
      if (bytes_[pos_] == '#')
        while (pos_ < bytes_.size() && bytes_[pos_] != '\n') ++pos_;
      else if (std::isspace(static_cast<unsigned char>(bytes_[pos_]))) ++pos_;
      else return;
    }
  }

  // A decimal number in [lo, hi] after whitespace and comments.
  std::int64_t number(const std::string& what, std::int64_t lo, std::int64_t hi) {
    skip_space();
    std::int64_t v = 0;
    const std::size_t start = pos_;
    while (pos_ < bytes_.size() && std::isdigit(static_cast<unsigned char>(bytes_[pos_])) && v <= hi)
      v = v * 10 + (bytes_[pos_++] - '0');
    const std::string expected = what + ", a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (pos_ == start) throw error(pos_ < bytes_.size() ? "not a number" : "the end of the file", expected);
    if (v < lo || v > hi) throw error(bytes_.substr(start, pos_ - start), expected);
    return v;
  }

  // 0-max to 0-255, rounded to the nearest.
  std::uint8_t sample(std::int64_t v, std::int64_t max, std::int64_t index) const {
    if (v > max)
      throw error("sample " + std::to_string(index) + " = " + std::to_string(v),
                  "at most the largest value, " + std::to_string(max));
    return static_cast<std::uint8_t>(max == 255 ? v : (v * 255 * 2 + max) / (2 * max));
  }

  std::string path_, bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

bool is_png(std::string_view head) { return head.starts_with(kPngSignature); }

bool is_pgm(std::string_view head) { return head.starts_with("P5") || head.starts_with("P2"); }

GreyImage read_grey_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open");
  char head[8] = {};
  in.read(head, sizeof head);
  const std::string_view start(head, static_cast<std::size_t>(in.gcount()));
  if (is_png(start)) return read_png(path);
  if (!is_pgm(start)) throw IoError(path + ": not a PNG or PGM image (it starts with neither \\x89PNG nor P5 nor P2)");
  in.seekg(0);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return PgmReader(path, std::move(bytes)).read();
}

}  // namespace descent::data
