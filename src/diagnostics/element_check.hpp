#pragma once
// One analytic derivative against finite differences, aware of kinks. A central difference
// (f(p + eps) - f(p - eps)) / (2 eps) is only the derivative when f is smooth on [p - eps, p + eps].
// A ReLU whose input is within eps of 0, or a max-pool window whose two largest values are within
// eps of each other, puts a kink in that interval, and the central difference then averages the two
// slopes: neither the analytic gradient nor a wrong one. The sign of it: the one-sided differences
// (f(p + eps) - f(p)) / eps and (f(p) - f(p - eps)) / eps disagree.
//
// An element that fails and shows that sign is re-tested with eps / 100, then eps / 10^4: a kink
// 3e-8 away is outside the interval at 1e-8, and there the differences are the derivative again, to
// pass or fail the element. One whose one-sided differences still disagree at eps / 10^4 sits on
// the kink (a tie, a ReLU input of exactly 0), where f has no derivative to compare with: it is left
// out of the verdict, never called wrong. A wrong derivative next to a kink is still caught, at the
// smaller eps where the one-sided differences agree with each other and not with it.
#include <functional>

namespace descent::diagnostics {

// An element agrees when |analytic - numerical| <= atol + rtol |numerical| (+ the rounding of f / eps
// on a re-test, where eps is small enough for it to matter).
struct ElementTolerance {
  double eps = 1e-6;
  double atol = 1e-6;
  double rtol = 1e-4;
};

enum class ElementVerdict { Agrees, Differs, AtKink };

struct ElementCheck {
  ElementVerdict verdict = ElementVerdict::Agrees;
  double numerical = 0;   // the central difference at `eps`
  double eps = 0;         // the step of the verdict: the tolerance's, or a smaller one after a kink
  bool retested = false;  // the first central difference straddled a kink; `eps` is a smaller one
  // The one-sided differences at the tolerance's eps; after a kink, they disagree.
  double forward = 0, backward = 0;
};

// Checks `analytic` against the differences of `f_at(delta)`, the function with the element moved by
// delta; `f0` = f_at(0). The first central difference comes from `plus` = f_at(eps) and `minus` =
// f_at(-eps), which the caller has already computed.
ElementCheck check_element(double analytic, double f0, double plus, double minus,
                           const std::function<double(double)>& f_at, const ElementTolerance& tolerance);

}  // namespace descent::diagnostics
