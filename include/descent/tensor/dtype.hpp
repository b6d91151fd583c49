#pragma once
// Element types. Float32 and Float64 are the arithmetic types; Int64 holds class indices and argmax
// results; UInt8 holds raw image bytes (converted to a float type as batches are assembled).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "descent/error.hpp"

namespace descent {

enum class Dtype : std::uint8_t { Float32, Float64, Int64, UInt8 };

constexpr std::size_t itemsize(Dtype d) { return d == Dtype::Float32 ? 4 : d == Dtype::UInt8 ? 1 : 8; }
constexpr bool is_floating(Dtype d) { return d == Dtype::Float32 || d == Dtype::Float64; }
std::string_view to_string(Dtype d);
// Parses "float32" / "float64" / "int64"; throws ValueError naming the value otherwise.
Dtype dtype_from_string(std::string_view name);

template <class T>
constexpr Dtype dtype_of();
template <>
constexpr Dtype dtype_of<float>() {
  return Dtype::Float32;
}
template <>
constexpr Dtype dtype_of<double>() {
  return Dtype::Float64;
}
template <>
constexpr Dtype dtype_of<std::int64_t>() {
  return Dtype::Int64;
}
template <>
constexpr Dtype dtype_of<std::uint8_t>() {
  return Dtype::UInt8;
}

// Calls f(T{}) with T the C++ type of a floating dtype: dispatch_floating(d, [&](auto tag) { using T = decltype(tag);
// ... }).
template <class F>
decltype(auto) dispatch_floating(Dtype d, F&& f) {
  switch (d) {
    case Dtype::Float32: return f(float{});
    case Dtype::Float64: return f(double{});
    default: throw ValueError("expected a floating dtype (float32 or float64), got " + std::string(to_string(d)));
  }
}

}  // namespace descent
