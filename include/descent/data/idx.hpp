#pragma once
// Reader for IDX files, the format of MNIST and Fashion-MNIST: the magic bytes 0x00 0x00 <type> <ndims>,
// ndims big-endian uint32 sizes, then the items in row-major order. Only type 0x08 (unsigned byte) is
// supported. Files may be gzip-compressed or raw: zlib reads both through the same calls.
#include <cstdint>
#include <string>
#include <vector>

namespace descent::data {

struct IdxArray {
  std::vector<std::uint8_t> data;  // row-major, product(dims) items
  std::vector<std::int64_t> dims;
};

// Throws IoError naming the file, the byte offset in the decompressed stream and what was expected:
// for a missing file, a wrong magic number or type, a truncated file, trailing bytes, a corrupt gzip
// stream. Memory grows only as data arrives, so a header claiming absurd sizes fails with a message.
IdxArray read_idx(const std::string& path);

}  // namespace descent::data
