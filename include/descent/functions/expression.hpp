#pragma once
// Expressions in x, y, z typed by a user ("x^2 + 10*sin(y)"), parsed once into a tree and evaluated
// with descent's differentiable ops on 0-d tensors, so that backward() gives their gradient.
//
// functions/ sits beside nn/ and optim/ in the layering (tensor -> autograd -> functions): it uses
// only tensors and the autograd ops, so the optimizer tests can minimize these functions and the cli
// and train/ can offer them, without any of them reaching to the right.
//
// Grammar (precedence from loosest to tightest; ^ is right-associative and binds tighter than a
// leading minus, as in mathematics: -x^2 = -(x^2), 2^3^2 = 2^(3^2), x^-2 = x^(-2)):
//   expression := term (('+' | '-') term)*
//   term       := unary (('*' | '/') unary)*
//   unary      := ('-' | '+') unary | power
//   power      := primary ('^' unary)?
//   primary    := number | variable | constant | function '(' expression ')' | '(' expression ')'
// numbers: 2, 2.5, .5, 1e-3, 2.5E+4; variables: x, y, z; constant: pi;
// functions: exp log sqrt sin cos tanh sigmoid abs.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "descent/error.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::functions {

// A malformed expression. what() is three lines: the problem and its column, then the expression and
// a caret under the offending character:
//   expression "x^^2", column 3: expected a number, a variable, a function or '(', found '^'
//     x^^2
//       ^
class ExpressionError : public ValueError {
 public:
  ExpressionError(const std::string& expression, std::size_t column, const std::string& reason);
  std::size_t column() const { return column_; }  // 1-based, in bytes
  const std::string& reason() const { return reason_; }

 private:
  std::size_t column_;
  std::string reason_;
};

class Expression {
 public:
  // Parses `text`; throws ExpressionError on a syntax error, an unknown variable or function.
  explicit Expression(std::string_view text);

  const std::string& text() const { return text_; }
  // How many variables it needs: 1 + the position in (x, y, z) of the last one it uses, so "y^2"
  // needs 2 (x and y); 0 for a constant.
  std::size_t arity() const { return arity_; }
  // The tree written back with every operation in parentheses: "-x^2" -> "(-(x^2))".
  std::string to_string() const;

  // The value at `variables` (x, y, z in order; 0-d tensors of one floating dtype, at least arity()
  // of them), built from differentiable ops. Constants take the variables' dtype (float64 if none).
  Tensor operator()(const std::vector<Tensor>& variables) const;
  // The value at a point, in float64, without gradient: for tests and quick looks.
  double value(const std::vector<double>& point) const;

  struct Node;  // expression.cpp

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  std::size_t arity_ = 0;
};

}  // namespace descent::functions
