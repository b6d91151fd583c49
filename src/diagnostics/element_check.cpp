#include "element_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace descent::diagnostics {
namespace {

// The smaller steps of a re-test, as fractions of the tolerance's eps.
constexpr std::array<double, 2> kRetestFractions = {1e-2, 1e-4};

// A bound on the rounding error of a central difference at step eps: each evaluation of f is exact to
// a few ulps of its largest value, and the difference divides that by 2 eps. 16 ulps is 25 times the
// error measured on a LeNet tower in float64 at eps = 1e-10; at the first eps (1e-6) the bound is
// negligible, and the first comparison leaves it out so that its tolerance is the one documented.
double rounding(double eps, double f0, double plus, double minus) {
  constexpr double kUlps = 16;
  return kUlps * std::numeric_limits<double>::epsilon() * std::max({std::abs(f0), std::abs(plus), std::abs(minus)}) /
         eps;
}

struct Differences {
  double eps, central, forward, backward, slack;
};

Differences differences(double eps, double f0, double plus, double minus, bool with_rounding) {
  return {eps, (plus - minus) / (2 * eps), (plus - f0) / eps, (f0 - minus) / eps,
          with_rounding ? rounding(eps, f0, plus, minus) : 0.0};
}

bool agrees(double analytic, const Differences& d, const ElementTolerance& t) {
  return std::abs(analytic - d.central) <= t.atol + t.rtol * std::abs(d.central) + d.slack;
}

// The one-sided differences disagree beyond the tolerance (each carries twice the central's rounding)
// and the analytic gradient matches one of them or lies between them.
bool at_kink(double analytic, const Differences& d, const ElementTolerance& t) {
  const double lo = std::min(d.forward, d.backward), hi = std::max(d.forward, d.backward);
  const double spread_tolerance = t.atol + t.rtol * std::max(std::abs(lo), std::abs(hi)) + 4 * d.slack;
  const double match_tolerance = t.atol + t.rtol * std::abs(analytic) + 2 * d.slack;
  return hi - lo > spread_tolerance && analytic >= lo - match_tolerance && analytic <= hi + match_tolerance;
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
  if (!at_kink(analytic, first, tolerance)) return result(ElementVerdict::Differs, first, first);
  Differences d = first;
  for (double fraction : kRetestFractions) {
    const double eps = tolerance.eps * fraction;
    d = differences(eps, f0, f_at(eps), f_at(-eps), true);
    if (agrees(analytic, d, tolerance)) return result(ElementVerdict::Agrees, d, first);
    if (!at_kink(analytic, d, tolerance)) return result(ElementVerdict::Differs, d, first);
  }
  return result(ElementVerdict::AtKink, d, first);
}

}  // namespace descent::diagnostics
