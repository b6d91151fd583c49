#include "descent/data/npy.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>

#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/join.hpp"

namespace descent::data {
namespace {

static_assert(std::endian::native == std::endian::little, "the .npy reader keeps elements little-endian in memory");

constexpr std::string_view kMagic = "\x93NUMPY";

// The header dict, read token by token: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
// `base` is the header's byte offset in the file, for messages.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::size_t base, const std::string& name)
      : text_(text), base_(base), name_(name) {}

  [[noreturn]] void fail(const std::string& expected) const {
    throw IoError(name_ + ": byte " + std::to_string(base_ + pos_) + " of the .npy header: expected " + expected +
                  " (header: " + std::string(text_.substr(0, text_.find_last_not_of(" \n") + 1)) + ")");
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("'") + c + "'");
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("a quoted string");
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) fail("the closing quote of a string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, {"False", false}})
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    fail("True or False");
  }
  std::vector<std::int64_t> shape_tuple() {
    expect('(');
    std::vector<std::int64_t> shape;
    while (!accept(')')) {
      skip_space();
      std::int64_t n = 0;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail("a dimension that fits in 64 bits");
        n = n * 10 + (text_[pos_++] - '0');
      }
      if (pos_ == start) fail("a non-negative integer dimension or ')'");
      shape.push_back(n);
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }
  // A value the dict may hold that this reader does not use: skipped as a string, word or tuple.
  void skip_value() {
    skip_space();
    if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
      string_literal();
      return;
    }
    int depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '(' || c == '[') ++depth;
      if ((c == ')' || c == ']') && depth-- == 0) break;
      if ((c == ',' || c == '}') && depth == 0) break;
      ++pos_;
    }
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }
  std::size_t position() const { return base_ + pos_; }

 private:
  std::string_view text_;
  std::size_t base_;
  std::size_t pos_ = 0;
  const std::string& name_;
};

// The kind and size of a descr ("<f4"), and whether its bytes need swapping. IoError for the dtypes
// descent cannot use.
void parse_descr(NpyArray& a, const std::string& name, std::size_t offset) {
  const std::string& d = a.descr;
  auto unsupported = [&](const std::string& why) -> IoError {
    return IoError(name + ": byte " + std::to_string(offset) + ": dtype '" + d + "'" + why +
                   ": expected a number dtype: float32, float64, (u)int8-64 or bool ('<f4', '<f8', '|u1', '<i8', ...)");
  };
  if (d.size() < 2 || (d[0] != '<' && d[0] != '>' && d[0] != '|' && d[0] != '=')) throw unsupported("");
  a.kind = d[1];
  if (a.kind != 'f' && a.kind != 'i' && a.kind != 'u' && a.kind != 'b') {
    const std::string what = a.kind == 'c'                    ? " (complex)"
                             : a.kind == 'O'                  ? " (Python objects, pickled)"
                             : a.kind == 'U' || a.kind == 'S' ? " (strings)"
                                                              : "";
    throw unsupported(what);
  }
  const std::string size = d.substr(2);
  if (size != "1" && size != "2" && size != "4" && size != "8") throw unsupported("");
  a.item_size = std::stoi(size);
  if (a.kind == 'f' && a.item_size < 4) throw unsupported(" (float16)");
  if (a.kind == 'b' && a.item_size != 1) throw unsupported("");
}

void swap_bytes(NpyArray& a) {
  for (std::size_t i = 0; i < a.data.size(); i += static_cast<std::size_t>(a.item_size))
    std::reverse(a.data.begin() + static_cast<std::ptrdiff_t>(i),
                 a.data.begin() + static_cast<std::ptrdiff_t>(i) + a.item_size);
}

template <class From, class To>
void convert(const std::uint8_t* bytes, std::int64_t n, To* out) {
  for (std::int64_t i = 0; i < n; ++i) {
    From x;
    std::memcpy(&x, bytes + i * static_cast<std::int64_t>(sizeof(From)), sizeof(From));
    out[i] = static_cast<To>(x);
  }
}

template <class To>
void convert_all(const NpyArray& a, To* out) {
  const std::uint8_t* p = a.data.data();
  const std::int64_t n = a.numel();
  switch (a.kind * 16 + a.item_size) {
    case 'f' * 16 + 4: return convert<float>(p, n, out);
    case 'f' * 16 + 8: return convert<double>(p, n, out);
    case 'i' * 16 + 1: return convert<std::int8_t>(p, n, out);
    case 'i' * 16 + 2: return convert<std::int16_t>(p, n, out);
    case 'i' * 16 + 4: return convert<std::int32_t>(p, n, out);
    case 'i' * 16 + 8: return convert<std::int64_t>(p, n, out);
    case 'u' * 16 + 1:
    case 'b' * 16 + 1: return convert<std::uint8_t>(p, n, out);
    case 'u' * 16 + 2: return convert<std::uint16_t>(p, n, out);
    case 'u' * 16 + 4: return convert<std::uint32_t>(p, n, out);
    case 'u' * 16 + 8: return convert<std::uint64_t>(p, n, out);
    default: throw ValueError("npy_to_tensor: dtype '" + a.descr + "' not supported");
  }
}

}  // namespace

std::int64_t NpyArray::numel() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name) {
  auto short_file = [&](std::size_t need, const std::string& what) {
    if (bytes.size() < need)
      throw IoError(name + ": " + std::to_string(bytes.size()) + " bytes: expected " + what + " (" +
                    std::to_string(need) + " bytes)");
  };
  short_file(10, "the .npy magic, version and header length");
  if (std::string_view(reinterpret_cast<const char*>(bytes.data()), kMagic.size()) != kMagic)
    throw IoError(name + ": byte 0: expected the .npy magic \\x93NUMPY: not a NumPy .npy file");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    throw IoError(name + ": byte 6: .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                  ": expected 1.0, 2.0 or 3.0");
  std::size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = bytes[8] | (std::size_t{bytes[9]} << 8);
    start = 10;
  } else {
    short_file(12, "a 4-byte header length");
    header_len =
        bytes[8] | (std::size_t{bytes[9]} << 8) | (std::size_t{bytes[10]} << 16) | (std::size_t{bytes[11]} << 24);
    start = 12;
  }
  short_file(start + header_len, "a header of " + std::to_string(header_len) + " bytes");
  HeaderParser p(std::string_view(reinterpret_cast<const char*>(bytes.data()) + start, header_len), start, name);

  NpyArray a;
  bool has_descr = false, has_order = false, has_shape = false, fortran = false;
  std::size_t descr_at = 0;
  p.expect('{');
  while (!p.accept('}')) {
    const std::string key = p.string_literal();
    p.expect(':');
    if (key == "descr") {
      p.skip_space();
      descr_at = p.position();
      if (p.accept('[')) p.fail("a simple dtype string such as '<f4' (structured arrays are not supported)");
      a.descr = p.string_literal();
      has_descr = true;
    } else if (key == "fortran_order") {
      fortran = p.boolean();
      has_order = true;
    } else if (key == "shape") {
      a.shape = p.shape_tuple();
      has_shape = true;
    } else {
      p.skip_value();
    }
    if (!p.accept(',')) {
      p.expect('}');
      break;
    }
  }
  if (!p.at_end()) p.fail("the end of the header after '}'");
  if (!has_descr || !has_order || !has_shape) p.fail("the keys 'descr', 'fortran_order' and 'shape'");
  if (fortran) throw IoError(name + ": fortran_order = True: expected a C-order array (save np.ascontiguousarray(a))");
  parse_descr(a, name, descr_at);

  const std::size_t data_start = start + header_len;
  const std::size_t have = bytes.size() - data_start;
  // A shape whose byte count would overflow is refused before numel() multiplies it out.
  std::int64_t count = 1;
  for (const std::int64_t d : a.shape) {
    if (d != 0 && count > std::numeric_limits<std::int64_t>::max() / a.item_size / d)
      throw IoError(name + ": shape " + util::tuple_text(a.shape) + " of '" + a.descr +
                    "': expected a size that fits in 64 bits");
    count *= d;
  }
  const std::int64_t n = a.numel();
  const std::size_t need = static_cast<std::size_t>(n) * static_cast<std::size_t>(a.item_size);
  if (have != need)
    throw IoError(name + ": shape " + util::tuple_text(a.shape) + " of '" + a.descr + "': expected " +
                  std::to_string(need) + " bytes of data from byte " + std::to_string(data_start) + ", found " +
                  std::to_string(have) + (have < need ? " (the file is truncated)" : ""));
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_start), bytes.end());
  if (a.descr[0] == '>' && a.item_size > 1) swap_bytes(a);
  return a;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open file");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(path + ": cannot read file");
  return parse_npy(bytes, path);
}

Tensor npy_to_tensor(const NpyArray& array, const Shape& shape, Dtype dtype) {
  if (descent::numel(shape) != array.numel())
    throw ShapeError("npy_to_tensor: shape " + to_string(shape) + " for an array of " + std::to_string(array.numel()) +
                     " elements");
  if (dtype == Dtype::UInt8 || (dtype == Dtype::Int64 && !array.is_integer()))
    throw ValueError("npy_to_tensor: dtype '" + array.descr + "' to " + std::string(to_string(dtype)) +
                     ": expected float32 or float64, or int64 from an integer array");
  Tensor out = Tensor::empty(shape, dtype);
  switch (dtype) {
    case Dtype::Float32: convert_all(array, out.data<float>()); break;
    case Dtype::Float64: convert_all(array, out.data<double>()); break;
    default: convert_all(array, out.data<std::int64_t>()); break;
  }
  return out;
}

std::vector<std::uint8_t> npy_bytes(const Tensor& tensor) {
  const Tensor t = kernels::contiguous(tensor);
  const std::string_view descr = t.dtype() == Dtype::Float32   ? "<f4"
                                 : t.dtype() == Dtype::Float64 ? "<f8"
                                 : t.dtype() == Dtype::Int64   ? "<i8"
                                                               : "|u1";
  std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
  std::string header =
      "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': " + util::tuple_text(shape) + ", }";
  // NumPy pads with spaces and ends with a newline so that the data starts on a multiple of 64 bytes.
  const std::size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string preamble(kMagic);
  preamble += {'\x01', '\x00', static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  preamble += header;
  std::vector<std::uint8_t> out(preamble.begin(), preamble.end());
  const auto* data = static_cast<const std::uint8_t*>(t.raw_data());
  out.insert(out.end(), data, data + t.numel() * static_cast<std::int64_t>(itemsize(t.dtype())));
  return out;
}

void save_npy(const std::string& path, const Tensor& tensor) {
  const std::vector<std::uint8_t> bytes = npy_bytes(tensor);
  util::write_file_atomically(
      path,
      [&](std::ostream& out) {
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      },
      ".npy file");
}

}  // namespace descent::data
