#include "descent/tensor/generator.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "descent/error.hpp"

namespace descent {

void Generator::manual_seed(std::uint64_t seed) {
  engine_.seed(seed);
  has_spare_ = false;
}

double Generator::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 == 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::uint64_t Generator::below(std::uint64_t n) {
  // Rejection sampling: drop the top values that would make some results more likely.
  const std::uint64_t limit = std::uint64_t(-1) - std::uint64_t(-1) % n;
  std::uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % n;
}

std::string Generator::state() const {
  std::ostringstream out;
  out << engine_ << ' ' << has_spare_ << ' ';
  out.precision(17);
  out << spare_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream in(state);
  in >> engine_ >> has_spare_ >> spare_;
  if (!in) throw ValueError("invalid generator state");
}

Generator& default_generator() {
  static Generator g(0);
  return g;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace descent
