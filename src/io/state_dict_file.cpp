#include "descent/io/state_dict_file.hpp"

#include <map>

#include "descent/data/safetensors.hpp"
#include "descent/error.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/join.hpp"

namespace descent::io {
namespace {

// "\"0.weight\", \"2.bias\"", at most `shown` of them, then how many more.
std::string quoted_names(const std::vector<std::string>& names, std::size_t shown = 8) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) parts.push_back("\"" + names[i] + "\"");
  if (names.size() > shown) parts.push_back("and " + std::to_string(names.size() - shown) + " more");
  return util::join(parts);
}

}  // namespace

void save_state_dict(const std::string& path, const nn::Module& module) {
  data::SafetensorsFile file;
  file.tensors = module.state_dict();
  file.metadata["format"] = "pt";
  data::save_safetensors(path, file);
}

LoadedStateDict load_state_dict(const std::string& path, nn::Module& module, LoadStateDictOptions options) {
  const data::SafetensorsFile file = data::load_safetensors(path);
  const std::map<std::string, Tensor> mine = module.state_dict();
  LoadedStateDict result;
  for (const auto& [name, t] : file.tensors)
    if (!mine.contains(name)) result.unexpected_keys.push_back(name);
  for (const auto& [name, target] : mine) {
    const auto it = file.tensors.find(name);
    if (it == file.tensors.end()) {
      result.missing_keys.push_back(name);
      continue;
    }
    // Shapes are checked before anything is copied: a failed load leaves the module as it was.
    if (!(it->second.shape() == target.shape()))
      throw ShapeError(path + ": tensor \"" + name + "\": shape " + to_string(it->second.shape()) +
                       " in the file, expected " + to_string(target.shape()) + " (the model's)");
  }
  if (options.strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty())) {
    std::string message = path + ": the tensors do not match the model's:";
    if (!result.missing_keys.empty()) message.append(" missing ").append(quoted_names(result.missing_keys));
    if (!result.missing_keys.empty() && !result.unexpected_keys.empty()) message.append(";");
    if (!result.unexpected_keys.empty()) message.append(" unexpected ").append(quoted_names(result.unexpected_keys));
    throw ValueError(message);
  }
  for (const auto& [name, target] : mine) {
    const auto it = file.tensors.find(name);
    if (it == file.tensors.end()) continue;
    if (it->second.dtype() != target.dtype()) result.converted_keys.push_back(name);
    kernels::copy_(target, it->second);  // converts the dtype, as PyTorch's copy_
  }
  return result;
}

}  // namespace descent::io
