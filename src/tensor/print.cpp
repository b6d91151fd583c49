#include "descent/tensor/print.hpp"

#include <cstdio>
#include <sstream>

namespace descent {
namespace {

void print_level(std::ostringstream& out, const Tensor& t, int dim, std::int64_t& flat, int indent) {
  if (dim == t.dim()) {
    const double v = t.at(flat++);
    char buf[64];
    if (t.dtype() == Dtype::Int64) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    else std::snprintf(buf, sizeof buf, "%.4f", v);
    out << buf;
    return;
  }
  out << '[';
  const std::int64_t n = t.shape()[dim];
  const bool elide = n > 8;  // long dimensions: first three, ..., last three
  for (std::int64_t i = 0; i < n; ++i) {
    if (elide && i == 3) {
      out << "...";
      if (dim + 1 < t.dim()) out << ",\n" << std::string(indent + 1, ' ');
      else out << ", ";
      std::int64_t skipped = 1;
      for (int d = dim + 1; d < t.dim(); ++d) skipped *= t.shape()[d];
      flat += skipped * (n - 6);
      i = n - 3;
    }
    print_level(out, t, dim + 1, flat, indent + 1);
    if (i + 1 < n) {
      out << ',';
      if (dim + 1 < t.dim()) out << '\n' << std::string(indent + 1, ' ');
      else out << ' ';
    }
  }
  out << ']';
}

}  // namespace

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  std::ostringstream out;
  out << "tensor(";
  std::int64_t flat = 0;
  print_level(out, t, 0, flat, 7);
  if (t.dtype() != Dtype::Float32) out << ", dtype=" << to_string(t.dtype());
  if (t.requires_grad()) out << ", requires_grad=True";
  out << ')';
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& t) { return out << to_string(t); }

}  // namespace descent
