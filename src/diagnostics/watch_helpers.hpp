#pragma once
// Small helpers the training watch's two files share: robust summaries of its samples, the sampling
// margin of an accuracy, and a finding's constructor.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "descent/diagnostics/finding.hpp"
#include "descent/util/number_text.hpp"

namespace descent::diagnostics::watch {

inline std::string num(double x) { return util::format_number(x, ".3g"); }

inline double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

inline double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  if (to <= from) return NAN;
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to),
                         0.0) /
         static_cast<double>(to - from);
}

// The accuracy margin that sampling noise explains on an evaluation of about 1,000 examples: three
// standard deviations of a binomial proportion near chance, at least 3 points.
inline double accuracy_margin(double chance) { return std::max(0.03, 3 * std::sqrt(chance * (1 - chance) / 1000)); }

inline Finding make(std::string cause, std::string where, std::string evidence, std::string fix_text,
                    std::vector<double> suggestion = {}) {
  Finding f;
  f.cause = std::move(cause);
  f.where = std::move(where);
  f.evidence = std::move(evidence);
  f.fix_text = std::move(fix_text);
  f.suggestion = std::move(suggestion);
  return f;
}

// The power of ten nearest to x, between 10 and 10,000: the factor a learning rate is moved by.
inline double lr_factor(double x) {
  return std::clamp(std::pow(10.0, std::round(std::log10(std::max(x, 1e-300)))), 10.0, 1e4);
}

}  // namespace descent::diagnostics::watch
