#pragma once
// A model's weights alone, as a safetensors file PyTorch reads: every parameter and buffer of
// Module::state_dict() under its own name ("0.weight", "1.running_mean", "1.num_batches_tracked"),
// in the dtype it has, and nothing else (no optimizer state). The names are those torch.nn.Sequential
// gives the same layers, so `model.load_state_dict({k: torch.from_numpy(v) ...}, strict=True)` takes
// the file as numpy reads it, and a file PyTorch wrote loads back here without a table of names.
//
//   io::save_state_dict("lenet.safetensors", *model);
//   io::load_state_dict("lenet.safetensors", *model);             // every name and shape checked
//   auto keys = io::load_state_dict(path, *model, {.strict = false});
//   keys.missing_keys;                                             // as PyTorch's _IncompatibleKeys
#include <string>
#include <vector>

#include "descent/nn/module.hpp"

namespace descent::io {

// Writes module.state_dict() to `path` (a temporary file, renamed into place), with the header's
// metadata {"format": "pt"}, as safetensors' own torch writer marks it.
void save_state_dict(const std::string& path, const nn::Module& module);

struct LoadStateDictOptions {
  // As torch.nn.Module.load_state_dict(strict=...): true makes a tensor the module lacks, or one of
  // the module's the file lacks, an error; false skips the first and leaves the second as it was.
  bool strict = true;
};

// What load_state_dict did besides copying. The first two are PyTorch's _IncompatibleKeys (empty
// when strict); converted_keys the tensors whose dtype the file and the module disagree on, copied
// with conversion as PyTorch's copy_ does (float64 weights into a float32 model).
struct LoadedStateDict {
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
  std::vector<std::string> converted_keys;
};

// Copies the tensors of the safetensors file `path` into the module's parameters and buffers, by
// name. Throws IoError for a missing, truncated or corrupt file; ShapeError naming the tensor, the
// file's shape and the module's for a shape that differs (strict or not, as PyTorch); ValueError
// naming the missing and the unexpected tensors when strict.
LoadedStateDict load_state_dict(const std::string& path, nn::Module& module, LoadStateDictOptions options = {});

}  // namespace descent::io
