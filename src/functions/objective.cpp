#include "descent/functions/objective.hpp"

#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"

namespace descent::functions {
namespace {

std::string count(std::size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

Objective::Objective(std::string_view text) : name_(text), test_function_(find_test_function(text)) {
  if (test_function_) return;
  try {
    expression_.emplace(text);
  } catch (const ExpressionError& e) {
    // A lone unknown word ("rosenbrok") was more likely meant as a test function than as a variable.
    const bool one_word = !text.empty() && text.find_first_not_of(
                                               "abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == text.npos;
    if (!one_word || e.column() != 1) throw;
    std::vector<std::string> names;
    for (const TestFunction& f : test_functions()) names.emplace_back(f.name);
    throw ValueError("\"" + util::excerpt(name_) + "\" is neither a test function (" + util::join(names) +
                     ") nor an expression in x, y, z");
  }
}

void Objective::check_variables(std::size_t n) const {
  if (n == 0) throw ValueError(util::excerpt(name_) + ": needs at least 1 variable, got none");
  if (test_function_) {
    const std::size_t d = test_function_->dimension;
    if (d != 0 && n != d)
      throw ValueError(name_ + " takes " + count(d, "variable") + " (" + util::join(variable_names(d)) + "), got " +
                       std::to_string(n));
    return;
  }
  const std::size_t needed = expression_->arity();
  if (n > 3)
    throw ValueError("expression \"" + util::excerpt(name_) +
                     "\": expressions take at most 3 variables (x, y, z), got " + std::to_string(n));
  if (n < needed)
    throw ValueError("expression \"" + util::excerpt(name_) + "\" uses " + variable_names(needed).back() +
                     ", so it needs " + count(needed, "variable") + " (" + util::join(variable_names(needed)) +
                     "), got " + std::to_string(n));
}

std::vector<std::string> Objective::variable_names(std::size_t n) {
  std::vector<std::string> names = {"x", "y", "z"};
  if (n <= 3) {
    names.resize(n);
    return names;
  }
  names.clear();
  for (std::size_t i = 1; i <= n; ++i) names.push_back(std::string(1, 'x').append(std::to_string(i)));
  return names;
}

Tensor Objective::operator()(const std::vector<Tensor>& x) const {
  check_variables(x.size());
  return test_function_ ? test_function_->f(x) : (*expression_)(x);
}

}  // namespace descent::functions
