// IDX files (data/idx.hpp), as given (raw, or gzip when the bytes start with its magic) and gzip-
// compressed, so that arbitrary contents reach the reader through zlib too.
#include <zlib.h>

#include <vector>

#include "descent/data/idx.hpp"
#include "fuzz_input.hpp"
#include "fuzz_targets.hpp"

namespace descent::fuzz {
namespace {

std::vector<std::uint8_t> gzipped(const std::uint8_t* data, std::size_t size) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper, as gzip(1) writes
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<std::uint8_t> out(deflateBound(&z, static_cast<uLong>(size)) + 32);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return done == Z_STREAM_END ? out : std::vector<std::uint8_t>{};
}

}  // namespace

int fuzz_idx(const std::uint8_t* data, std::size_t size) {
  run_input([&] { data::read_idx(input_file(data, size, "raw.idx")); });
  const std::vector<std::uint8_t> compressed = gzipped(data, size);
  return run_input([&] { data::read_idx(input_file(compressed.data(), compressed.size(), "compressed.idx.gz")); });
}

}  // namespace descent::fuzz
