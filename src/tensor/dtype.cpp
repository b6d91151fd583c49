#include "descent/tensor/dtype.hpp"

namespace descent {

std::string_view to_string(Dtype d) {
  switch (d) {
    case Dtype::Float32: return "float32";
    case Dtype::Float64: return "float64";
    case Dtype::Int64: return "int64";
    case Dtype::UInt8: return "uint8";
  }
  return "unknown";
}

Dtype dtype_from_string(std::string_view name) {
  if (name == "float32") return Dtype::Float32;
  if (name == "float64") return Dtype::Float64;
  if (name == "int64") return Dtype::Int64;
  if (name == "uint8") return Dtype::UInt8;
  throw ValueError("unknown dtype \"" + std::string(name) + "\": expected float32, float64, int64 or uint8");
}

}  // namespace descent
