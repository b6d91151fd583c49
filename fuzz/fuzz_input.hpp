#pragma once
// What every fuzz target shares: the input written to a file for the readers that take a path, and the
// rule for how a run may end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "descent/error.hpp"
#include "descent/tensor/storage.hpp"

namespace descent::fuzz {

// The memory limit the targets run under (DESCENT_MAX_MEMORY, unless the environment sets one): low, so
// that an input claiming more is refused at once instead of taking seconds to fill what it claims
// (a sanitizer build initialises a few million weights a second), while the fuzzer's own
// -malloc_limit_mb (fuzz.sh) catches any allocation past it.
inline constexpr const char* kFuzzMaxMemory = "16M";

// Sets the memory limit above, once per process.
void prepare();

// `size` bytes written to a file of this process's own temporary directory, named `name` (one file per
// name, rewritten for each input); returns its path.
std::string input_file(const std::uint8_t* data, std::size_t size, std::string_view name);

// Runs `body`: success or descent::Error end a run well. Any other exception leaves: libFuzzer
// reports it as a crash, the replay test as a failure naming the file.
template <class Body>
int run_input(Body&& body) {
  prepare();
  try {
    body();
  } catch (const descent::Error&) {
  }
  // The pool keeps freed tensor memory for reuse, up to 2 GiB a thread: over a million inputs of
  // every size that would pass the fuzzer's RSS limit without any input holding much.
  descent::empty_cache();
  return 0;
}

}  // namespace descent::fuzz
