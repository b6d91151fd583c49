#include "descent/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>

#include "descent/error.hpp"
#include "descent/util/join.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent::data {
namespace {

constexpr std::uint8_t kUnsignedByte = 0x08;
// Bytes asked of zlib per call, and the most reserved before data arrives: a header may lie about
// its sizes, so memory follows the bytes really read (64 MiB holds all of MNIST's training images).
constexpr std::size_t kChunk = std::size_t{1} << 20;
constexpr std::size_t kMaxReserve = std::size_t{64} << 20;

std::string hex(std::uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

std::string_view type_name(std::uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "short";
    case 0x0C: return "int";
    case 0x0D: return "float";
    case 0x0E: return "double";
    default: return "not an IDX type";
  }
}

// A gzip or raw file read front to back, counting the offset in the decompressed stream for messages.
class IdxStream {
 public:
  explicit IdxStream(const std::string& path) : path_(path) {
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (!file_)
      throw IoError(path + ": cannot open: " + (errno ? std::strerror(errno) : "zlib could not allocate its state"));
    gzbuffer(file_, 256 * 1024);
  }
  ~IdxStream() { gzclose(file_); }
  IdxStream(const IdxStream&) = delete;
  IdxStream& operator=(const IdxStream&) = delete;

  std::uint64_t offset() const { return offset_; }

  // Reads up to n bytes into dst and returns how many arrived: fewer only at the end of the file.
  std::size_t read_some(void* dst, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const auto want = static_cast<unsigned>(std::min(n - got, kChunk));
      const int r = gzread(file_, static_cast<char*>(dst) + got, want);
      if (r < 0) fail_stream();
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
      offset_ += static_cast<std::uint64_t>(r);
    }
    return got;
  }

  [[noreturn]] void fail(std::uint64_t at, const std::string& what) const {
    throw IoError(path_ + ": byte " + std::to_string(at) + ": " + what);
  }

  // Ends a message about missing bytes, naming zlib's finding when the gzip stream itself was cut short.
  std::string truncated() const {
    int err = Z_OK;
    gzerror(file_, &err);
    return err == Z_BUF_ERROR ? " (file truncated: the gzip stream ends early)" : " (file truncated)";
  }

 private:
  // zlib prefixes its messages with the path, which ours already carry.
  std::string zlib_message() const {
    int err = Z_OK;
    std::string msg = gzerror(file_, &err);
    const std::string prefix = path_ + ": ";
    if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
    return msg;
  }

  // zlib inflates ahead into its own buffer, so a corrupt stream is found somewhere past the bytes
  // delivered so far, and reading stops there: the offset is a lower bound.
  [[noreturn]] void fail_stream() const {
    int err = Z_OK;
    gzerror(file_, &err);
    if (err == Z_ERRNO) throw IoError(path_ + ": cannot read: " + zlib_message());
    throw IoError(path_ + ": byte " + std::to_string(offset_) + " or later: expected a valid gzip stream, got " +
                  "corrupt data (zlib: " + zlib_message() + ")");
  }

  std::string path_;
  gzFile file_ = nullptr;
  std::uint64_t offset_ = 0;
};

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

// Magic 0x00 0x00 <type> <ndims>, then ndims big-endian sizes.
std::vector<std::int64_t> read_header(IdxStream& in) {
  std::uint8_t magic[4];
  if (const std::size_t got = in.read_some(magic, 4); got < 4)
    in.fail(got, "expected a 4-byte IDX magic number, found " + std::to_string(got) + " bytes" + in.truncated());
  const std::uint32_t value = big_endian_u32(magic);
  if (magic[0] != 0 || magic[1] != 0) {
    const bool gzip = magic[0] == 0x1f && magic[1] == 0x8b;
    in.fail(0,
            "expected IDX magic 0x00000803 or 0x00000801 (0x00 0x00, type 0x08 = unsigned byte, number of "
            "dimensions), got " +
                hex(value, 8) + (gzip ? " (a gzip header: is the file compressed twice?)" : ""));
  }
  if (magic[2] != kUnsignedByte)
    in.fail(2, "expected IDX data type 0x08 (unsigned byte), got " + hex(magic[2], 2) + " (" +
                   std::string(type_name(magic[2])) + "); only unsigned byte files are supported");
  const int ndims = magic[3];
  if (ndims == 0) in.fail(3, "expected at least 1 dimension, got 0");

  std::vector<std::uint8_t> raw(4 * static_cast<std::size_t>(ndims));
  if (const std::size_t got = in.read_some(raw.data(), raw.size()); got < raw.size())
    in.fail(in.offset(), "expected " + std::to_string(4 + raw.size()) + " header bytes (magic number and " +
                             std::to_string(ndims) + " dimension sizes), found " + std::to_string(4 + got) +
                             in.truncated());
  std::vector<std::int64_t> dims(ndims);
  for (int d = 0; d < ndims; ++d) dims[d] = big_endian_u32(&raw[4 * d]);
  return dims;
}

// The number of items the header promises; fails when it does not fit in 63 bits.
std::uint64_t item_count(IdxStream& in, const std::vector<std::int64_t>& dims) {
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return 0;
  std::uint64_t total = 1;
  for (const std::int64_t d : dims) {
    if (total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / static_cast<std::uint64_t>(d))
      in.fail(4, "expected dimensions whose product fits in 63 bits, got " + util::list_text(dims));
    total *= static_cast<std::uint64_t>(d);
  }
  return total;
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  IdxStream in(path);
  IdxArray out;
  out.dims = read_header(in);
  const std::uint64_t total = item_count(in, out.dims);
  const std::uint64_t data_start = in.offset();
  const auto promised = [&] {
    return std::to_string(total) + " bytes of data for dimensions " + util::list_text(out.dims) + " from byte " +
           std::to_string(data_start);
  };

  // Grow with the data that really arrives, never by the header's word alone, and up to the memory
  // limit: a small gzip file may inflate to as much as its header claims.
  const std::uint64_t limit = util::max_memory();
  out.data.reserve(static_cast<std::size_t>(std::min({total, std::uint64_t{kMaxReserve}, limit})));
  while (out.data.size() < total) {
    const std::size_t old = out.data.size();
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(total - old, kChunk));
    if (old + want > limit) util::check_memory(path + ": dimensions " + util::list_text(out.dims), total);
    out.data.resize(old + want);
    if (const std::size_t got = in.read_some(out.data.data() + old, want); got < want)
      in.fail(in.offset(), "expected " + promised() + ", found " + std::to_string(old + got) + in.truncated());
  }

  // Trailing bytes mean the header and the data disagree; count them without keeping them.
  std::uint8_t scratch[4096];
  std::uint64_t trailing = 0;
  while (const std::size_t got = in.read_some(scratch, sizeof scratch)) trailing += got;
  if (trailing > 0)
    in.fail(data_start + total,
            "expected end of file after " + promised() + ", found " + std::to_string(trailing) + " more bytes");
  return out;
}

}  // namespace descent::data
