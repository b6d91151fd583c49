#pragma once
// A seeded random generator. The engine is std::mt19937_64 (its output is fixed by the standard); the
// uniform and normal transforms are written here, not taken from <random>'s distributions, whose
// algorithms differ between standard libraries: the same seed gives the same numbers everywhere.
#include <cstdint>
#include <random>
#include <string>

namespace descent {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : engine_(seed) {}

  void manual_seed(std::uint64_t seed);
  std::uint64_t next_u64() { return engine_(); }
  double uniform();                      // [0, 1), 53 random bits
  double normal();                       // N(0, 1), Box-Muller
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased

  // The full engine state, for checkpoints.
  std::string state() const;
  void set_state(const std::string& state);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

// The generator used when none is passed.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace descent
