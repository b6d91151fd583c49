#include "layer_entry.hpp"

namespace descent::nn::entry {

std::string shape_text(const ExampleShape& shape) {
  std::string t = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
  return t + "]";
}

}  // namespace descent::nn::entry
