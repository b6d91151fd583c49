#pragma once
// The limit on what a file may make descent allocate. Sizes read from a config, a checkpoint or a data
// file (shapes, widths, counts) are claims: each reader multiplies them out with overflow checks and
// compares the bytes with this limit before allocating, so that a corrupt or hostile file ends in a
// message naming the claimed and the allowed size instead of std::bad_alloc, a swapping machine or a
// wrapped-around size. The limit is 2 GiB unless the environment's DESCENT_MAX_MEMORY sets another:
// bytes, or a number with a suffix K, M, G, T (powers of 1024; "KiB", "MB" and the like read the same),
// e.g. DESCENT_MAX_MEMORY=16G.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "descent/error.hpp"

namespace descent {

// A file claims more memory than descent may allocate: a shape, width or count whose bytes pass the
// limit below. Bad input, as the claim is (exit status 2).
class MemoryLimitError : public Error {
 public:
  MemoryLimitError(const std::string& message, std::uint64_t claimed, std::uint64_t allowed)
      : Error(message), claimed_(claimed), allowed_(allowed) {}
  std::uint64_t claimed() const { return claimed_; }  // bytes; UINT64_MAX when the size overflows
  std::uint64_t allowed() const { return allowed_; }

 private:
  std::uint64_t claimed_;
  std::uint64_t allowed_;
};

}  // namespace descent

namespace descent::util {

inline constexpr std::uint64_t kDefaultMaxMemory = std::uint64_t{2} << 30;

// The limit in bytes; ConfigError naming DESCENT_MAX_MEMORY when it is set to something else than a size.
std::uint64_t max_memory();
// A size as DESCENT_MAX_MEMORY writes it ("16G", "1.5GiB", "4096"); nullopt when it is not one.
std::optional<std::uint64_t> parse_memory_size(std::string_view text);
// "2 GiB", "292.1 GiB", "512 bytes": bytes for people.
std::string memory_text(std::uint64_t bytes);

// The product of `dims` times `itemsize`; nullopt when a dimension is negative or the product passes
// 2^63 - 1 (no std::int64_t holds it).
std::optional<std::uint64_t> checked_bytes(std::span<const std::int64_t> dims, std::uint64_t itemsize = 1);

// Throws MemoryLimitError "<what> needs 8 GiB (8589934592 bytes), more than the 2 GiB allowed (...)"
// when `bytes` is past max_memory(), or nullopt (a size that overflows).
void check_memory(std::string_view what, std::optional<std::uint64_t> bytes);

}  // namespace descent::util
