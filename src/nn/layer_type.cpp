#include "descent/nn/layer_type.hpp"

#include <algorithm>

#include "descent/util/join.hpp"

namespace descent::nn {

const LayerType& find_layer_type(std::string_view name) {
  for (const LayerType* type : layer_types())
    if (type->name == name) return *type;
  throw ValueError("unknown layer type \"" + std::string(name) + "\" (known: " + util::join(layer_type_names()) + ")");
}

std::vector<std::string> layer_type_names() {
  std::vector<std::string> out;
  for (const LayerType* type : layer_types()) out.emplace_back(type->name);
  std::sort(out.begin(), out.end());  // the registry is sorted by function name, which may differ
  return out;
}

std::vector<std::string> activation_names() {
  std::vector<std::string> out;
  for (const LayerType* type : layer_types())
    if (type->activation) out.emplace_back(type->name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace descent::nn
