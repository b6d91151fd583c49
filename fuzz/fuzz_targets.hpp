#pragma once
// The fuzz targets: one per kind of input descent reads, each a plain function of arbitrary bytes that
// must return 0 after success or descent's error (descent::Error) and nothing else: any other
// exception, a crash, a sanitizer report, an allocation past the memory limit or more than a second on
// one input is a finding (fuzz/README.md). Each is compiled twice: into its libFuzzer program (the
// `fuzz` CMake preset, where LLVMFuzzerTestOneInput calls it) and into the replay test, which runs every
// file of fuzz/corpus/<name>/ and tests/data/fuzz-regressions/<name>/ through it in the normal build.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace descent::fuzz {

int fuzz_idx(const std::uint8_t* data, std::size_t size);          // IDX files, raw and gzip
int fuzz_safetensors(const std::uint8_t* data, std::size_t size);  // safetensors reader, checkpoint loader
int fuzz_config(const std::uint8_t* data, std::size_t size);       // TOML config: parse, check, build
int fuzz_expression(const std::uint8_t* data, std::size_t size);   // minimize's expressions
int fuzz_plot(const std::uint8_t* data, std::size_t size);         // plot's metrics and trace readers

struct FuzzTarget {
  std::string_view name;  // fuzz/corpus/<name>/, tests/data/fuzz-regressions/<name>/
  int (*run)(const std::uint8_t* data, std::size_t size);
};

// Every target above, by name.
std::span<const FuzzTarget> fuzz_targets();

}  // namespace descent::fuzz
