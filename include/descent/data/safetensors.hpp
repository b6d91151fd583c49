#pragma once
// The safetensors file format: an 8-byte little-endian header length, a JSON header naming each tensor
// with its dtype, shape and byte range, then the raw little-endian data. Python reads the weights with
// numpy alone. Writes go to a temporary file in the same directory, renamed into place when complete,
// so a crash never leaves a half-written file under the real name.
#include <map>
#include <string>

#include "descent/tensor/tensor.hpp"

namespace descent::data {

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;  // the header's "__metadata__" (strings only)
};

void save_safetensors(const std::string& path, const SafetensorsFile& file);
// Throws IoError naming the file and what is wrong: missing, truncated, a header that is not JSON or
// not safetensors, an unknown dtype, byte ranges that overlap, leave gaps or run past the end.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace descent::data
