#include "element_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace descent::diagnostics {
namespace {

// The smaller steps of a re-test, as fractions of the tolerance's eps.
constexpr std::array<double, 2> kRetestFractions = {1e-2, 1e-4};

// A bound on the rounding error of a one-sided difference at step eps: each evaluation of f is exact
// to a few ulps of its largest value, and the difference of two divides that by eps. 16 ulps is 25
// times the error measured on a LeNet tower in float64 at eps = 1e-10. At the first eps (1e-6) the
// bound is negligible, and the first comparison leaves it out so that its tolerance is the one
// documented.
double rounding(double eps, double f0, double plus, double minus) {
  constexpr double kUlps = 16;
  return 2 * kUlps * std::numeric_limits<double>::epsilon() *
         std::max({std::abs(f0), std::abs(plus), std::abs(minus)}) / eps;
}

struct Differences {
  double eps, central, forward, backward, noise;
};

Differences differences(double eps, double f0, double plus, double minus, bool with_rounding) {
  return {eps, (plus - minus) / (2 * eps), (plus - f0) / eps, (f0 - minus) / eps,
          with_rounding ? rounding(eps, f0, plus, minus) : 0.0};
}

bool agrees(double analytic, const Differences& d, const ElementTolerance& t) {
  return std::abs(analytic - d.central) <= t.atol + t.rtol * std::abs(d.central) + d.noise;
}

// The one-sided differences disagree beyond the tolerance and their rounding: f bends inside
// [p - eps, p + eps]. Where the analytic gradient lies is not asked: at a kink a sum of ReLUs (a
// weight whose unit sees many examples at 0) has PyTorch's subgradient, the sum of each term's,
// outside the two one-sided derivatives of the sum; a wrong gradient near a kink is caught at a
// smaller eps instead, where the one-sided differences agree again.
bool straddles_kink(const Differences& d, const ElementTolerance& t) {
  return std::abs(d.forward - d.backward) >
         t.atol + t.rtol * std::max(std::abs(d.forward), std::abs(d.backward)) + 2 * d.noise;
}

// The verdict at `last`; the one-sided differences of `first`, which showed the kink.
ElementCheck result(ElementVerdict verdict, const Differences& last, const Differences& first) {
  return {verdict, last.central, last.eps, last.eps != first.eps, first.forward, first.backward};
}

}  // namespace

ElementCheck check_element(double analytic, double f0, double plus, double minus,
                           const std::function<double(double)>& f_at, const ElementTolerance& tolerance) {
  const Differences first = differences(tolerance.eps, f0, plus, minus, false);
  if (agrees(analytic, first, tolerance)) return result(ElementVerdict::Agrees, first, first);
  if (!straddles_kink(first, tolerance)) return result(ElementVerdict::Differs, first, first);
  Differences d = first;
  for (double fraction : kRetestFractions) {
    const double eps = tolerance.eps * fraction;
    d = differences(eps, f0, f_at(eps), f_at(-eps), true);
    if (agrees(analytic, d, tolerance)) return result(ElementVerdict::Agrees, d, first);
    if (!straddles_kink(d, tolerance)) return result(ElementVerdict::Differs, d, first);
  }
  return result(ElementVerdict::AtKink, d, first);
}

}  // namespace descent::diagnostics
