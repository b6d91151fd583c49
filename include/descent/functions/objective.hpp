#pragma once
// The function a user asks to minimize, by name or by formula: a test function (test_functions.hpp)
// or an expression in x, y, z (expression.hpp), behind one interface.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/functions/expression.hpp"
#include "descent/functions/test_functions.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::functions {

class Objective {
 public:
  // `text` names a test function ("rosenbrock") or is an expression ("x^2 + y^2"); throws
  // ExpressionError for a malformed expression.
  explicit Objective(std::string_view text);

  const std::string& name() const { return name_; }
  // The test function, when it is one.
  const TestFunction* test_function() const { return test_function_; }

  // Throws ValueError unless it takes `n` variables: a test function its dimension (any n >= 1 for
  // quadratic and rastrigin); an expression 1 to 3, and at least as many as it uses ("y" needs 2).
  void check_variables(std::size_t n) const;
  // x, y, z for n <= 3; x1, x2, ..., xn beyond.
  static std::vector<std::string> variable_names(std::size_t n);

  // The value at `x` (0-d tensors of one floating dtype, as many as check_variables accepts).
  Tensor operator()(const std::vector<Tensor>& x) const;

 private:
  std::string name_;
  const TestFunction* test_function_ = nullptr;
  std::optional<Expression> expression_;
};

}  // namespace descent::functions
