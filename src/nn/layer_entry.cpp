#include "layer_entry.hpp"

#include "descent/util/join.hpp"

namespace descent::nn::entry {

std::string shape_text(const ExampleShape& shape) { return util::list_text(shape); }

}  // namespace descent::nn::entry
