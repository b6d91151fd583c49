// The expression parser: hand-written recursive descent, one function per grammar rule (see
// expression.hpp). No Debian library fits: muparser and muparserx (libmuparser-dev, libmuparserx-dev)
// evaluate to numbers through their own bytecode and expose no tree to evaluate with our differentiable
// ops, and exprtk is not packaged; the grammar is five rules.
#include "descent/functions/expression.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <numbers>

#include "descent/autograd/grad_mode.hpp"
#include "descent/autograd/ops/activation.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"

namespace descent::functions {
// Outside the anonymous namespace: Expression::Node, declared in the header, holds a pointer to one.
struct UnaryFunction {
  std::string_view name;
  Tensor (*apply)(const Tensor&);
};

namespace {

// Adding a function is one row here.
const std::array<UnaryFunction, 8> kFunctions = {{
    {"exp", [](const Tensor& a) { return descent::exp(a); }},
    {"log", [](const Tensor& a) { return descent::log(a); }},
    {"sqrt", [](const Tensor& a) { return descent::sqrt(a); }},
    {"sin", [](const Tensor& a) { return descent::sin(a); }},
    {"cos", [](const Tensor& a) { return descent::cos(a); }},
    {"tanh", [](const Tensor& a) { return descent::tanh(a); }},
    {"sigmoid", [](const Tensor& a) { return descent::sigmoid(a); }},
    {"abs", [](const Tensor& a) { return descent::abs(a); }},
}};

constexpr std::array<std::string_view, 3> kVariables = {"x", "y", "z"};
constexpr std::size_t kMaxDepth = 512;  // deeper trees would risk the stack in parsing and evaluation

const UnaryFunction* find_function(std::string_view name) {
  for (const UnaryFunction& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::string function_list() {
  std::vector<std::string_view> names;
  for (const UnaryFunction& f : kFunctions) names.push_back(f.name);
  return util::join(names);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// The lines under the message: the expression (at most util::kExcerptBytes of it around the column),
// then a caret under byte `column` (tabs kept, so the caret lines up however the terminal shows them).
std::string caret_display(const std::string& shown, std::size_t offset) {
  std::string marker;
  for (std::size_t i = 0; i < offset && i < shown.size(); ++i) marker += shown[i] == '\t' ? '\t' : ' ';
  return "\n  " + shown + "\n  " + marker + "^";
}

std::string message(const std::string& expression, std::size_t column, const std::string& reason) {
  std::size_t offset = 0;
  const std::string shown = util::excerpt_around(expression, column - 1, offset);
  return "expression \"" + shown + "\", column " + std::to_string(column) + ": " + reason +
         caret_display(shown, offset);
}

// A token quoted in a reason: a 10,000-digit number is not shown whole.
std::string token_excerpt(std::string_view token) {
  return std::string(1, '\'').append(util::excerpt(token, 20)).append(1, '\'');
}

}  // namespace

ExpressionError::ExpressionError(const std::string& expression, std::size_t column, const std::string& reason)
    : ValueError(message(expression, column, reason)), column_(column), reason_(reason) {}

struct Expression::Node {
  enum class Kind { Number, Variable, Negate, Add, Subtract, Multiply, Divide, Power, Call };
  Kind kind = Kind::Number;
  double number = 0;                        // Number; Power: the exponent when `right` is constant
  std::string token;                        // Number: as written; Variable: its name
  std::size_t variable = 0;                 // Variable: 0 x, 1 y, 2 z
  const UnaryFunction* function = nullptr;  // Call
  std::shared_ptr<const Node> left, right;  // operands; Negate and Call use `left`
  bool constant = true;                     // uses no variable
  std::size_t depth = 1;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

Tensor evaluate(const Node& n, const std::vector<Tensor>& vars, Dtype dtype) {
  switch (n.kind) {
    case Node::Kind::Number: return scalar_tensor(n.number, dtype);
    case Node::Kind::Variable: return vars[n.variable];
    case Node::Kind::Negate: return neg(evaluate(*n.left, vars, dtype));
    case Node::Kind::Add: return add(evaluate(*n.left, vars, dtype), evaluate(*n.right, vars, dtype));
    case Node::Kind::Subtract: return sub(evaluate(*n.left, vars, dtype), evaluate(*n.right, vars, dtype));
    case Node::Kind::Multiply: return mul(evaluate(*n.left, vars, dtype), evaluate(*n.right, vars, dtype));
    case Node::Kind::Divide: return div(evaluate(*n.left, vars, dtype), evaluate(*n.right, vars, dtype));
    case Node::Kind::Power:
      // A constant exponent takes pow(a, p), defined for negative a (x^2 at x = -3); a variable one
      // needs a > 0 where its gradient is taken, d(a^b)/db = a^b ln a.
      if (n.right->constant) return pow(evaluate(*n.left, vars, dtype), n.number);
      return pow(evaluate(*n.left, vars, dtype), evaluate(*n.right, vars, dtype));
    case Node::Kind::Call: return n.function->apply(evaluate(*n.left, vars, dtype));
  }
  throw ValueError("expression: unknown node");  // unreachable: every kind is handled above
}

std::string written(const Node& n) {
  // Appended piece by piece: "(" + std::string trips g++ 12's -Wrestrict false positive at -O3.
  const auto binary = [&n](char op) {
    return std::string(1, '(').append(written(*n.left)).append(1, op).append(written(*n.right)).append(1, ')');
  };
  switch (n.kind) {
    case Node::Kind::Number:
    case Node::Kind::Variable: return n.token;
    case Node::Kind::Negate: return std::string("(-").append(written(*n.left)).append(1, ')');
    case Node::Kind::Add: return binary('+');
    case Node::Kind::Subtract: return binary('-');
    case Node::Kind::Multiply: return binary('*');
    case Node::Kind::Divide: return binary('/');
    case Node::Kind::Power: return binary('^');
    case Node::Kind::Call: return std::string(n.function->name) + "(" + written(*n.left) + ")";
  }
  return {};
}

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  NodePtr parse() {
    skip_space();
    if (pos_ == text_.size()) fail(pos_, "the expression is empty");
    NodePtr root = expression();
    skip_space();
    if (pos_ < text_.size()) {
      if (text_[pos_] == ')') fail(pos_, "unmatched ')'");
      fail(pos_, "expected an operator (+ - * / ^) or the end, found " + found());
    }
    return root;
  }

  std::size_t arity() const { return arity_; }

 private:
  [[noreturn]] void fail(std::size_t pos, const std::string& reason) const {
    throw ExpressionError(text_, pos + 1, reason);
  }

  std::string found() const {
    if (pos_ >= text_.size()) return "the end";
    const unsigned char c = text_[pos_];
    if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      return std::string("byte ") + hex;
    }
    return std::string("'") + text_[pos_] + "'";
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  // The next character after spaces, or '\0' at the end.
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

  // Recursion guard for signs, parentheses and exponents, whose nesting the trees' depth check sees too late.
  void enter(std::size_t pos) {
    if (++nesting_ > kMaxDepth) fail(pos, "the expression is nested more than " + std::to_string(kMaxDepth) + " deep");
  }

  NodePtr make(Node::Kind kind, NodePtr left, NodePtr right, std::size_t op_pos) const {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->constant = left->constant && (!right || right->constant);
    n->depth = 1 + std::max(left->depth, right ? right->depth : 0);
    if (n->depth > kMaxDepth) fail(op_pos, "the expression is nested more than " + std::to_string(kMaxDepth) + " deep");
    if (kind == Node::Kind::Power && right->constant) {
      NoGradGuard no_grad;
      n->number = evaluate(*right, {}, Dtype::Float64).item();
    }
    n->left = std::move(left);
    n->right = std::move(right);
    return n;
  }

  // expression := term (('+' | '-') term)*
  NodePtr expression() {
    NodePtr left = term();
    for (char c = peek(); c == '+' || c == '-'; c = peek()) {
      const std::size_t op = pos_++;
      left = make(c == '+' ? Node::Kind::Add : Node::Kind::Subtract, left, term(), op);
    }
    return left;
  }

  // term := unary (('*' | '/') unary)*
  NodePtr term() {
    NodePtr left = unary();
    for (char c = peek(); c == '*' || c == '/'; c = peek()) {
      const std::size_t op = pos_++;
      left = make(c == '*' ? Node::Kind::Multiply : Node::Kind::Divide, left, unary(), op);
    }
    return left;
  }

  // unary := ('-' | '+') unary | power
  NodePtr unary() {
    const char c = peek();
    if (c != '-' && c != '+') return power();
    const std::size_t op = pos_++;
    enter(op);
    NodePtr operand = unary();
    --nesting_;
    return c == '+' ? operand : make(Node::Kind::Negate, operand, nullptr, op);
  }

  // power := primary ('^' unary)?   -- right-associative through unary -> power
  NodePtr power() {
    NodePtr base = primary();
    if (peek() != '^') return base;
    const std::size_t op = pos_++;
    enter(op);  // x^x^x^...: each exponent recurses as deep as a sign or a parenthesis
    NodePtr exponent = unary();
    --nesting_;
    return make(Node::Kind::Power, base, exponent, op);
  }

  // primary := number | variable | constant | function '(' expression ')' | '(' expression ')'
  NodePtr primary() {
    const char c = peek();
    if (is_digit(c) || c == '.') return number();
    if (is_name_start(c)) return name();
    if (c == '(') {
      const std::size_t open = pos_++;
      return parenthesized(open);
    }
    fail(pos_, "expected a number, a variable, a function or '(', found " + found());
  }

  // After '(' at `open`: the expression and its ')'.
  NodePtr parenthesized(std::size_t open) {
    enter(open);
    NodePtr inner = expression();
    if (peek() != ')') {
      const std::string where = "the '(' at column " + std::to_string(open + 1);
      if (pos_ == text_.size()) fail(pos_, "missing ')' to close " + where);
      fail(pos_, "expected an operator or the ')' closing " + where + ", found " + found());
    }
    ++pos_;
    --nesting_;
    return inner;
  }

  NodePtr number() {
    const std::size_t start = pos_;
    std::size_t digits = 0;
    for (; pos_ < text_.size() && is_digit(text_[pos_]); ++pos_) ++digits;
    if (pos_ < text_.size() && text_[pos_] == '.')
      for (++pos_; pos_ < text_.size() && is_digit(text_[pos_]); ++pos_) ++digits;
    if (digits == 0) fail(start, "expected a digit before or after '.'");
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ == text_.size() || !is_digit(text_[pos_]))
        fail(pos_, "malformed number " + token_excerpt(std::string_view(text_).substr(start, pos_ - start)) +
                       ": expected the exponent's digits");
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    auto n = std::make_shared<Node>();
    n->token = text_.substr(start, pos_ - start);
    const auto [end, ec] = std::from_chars(n->token.data(), n->token.data() + n->token.size(), n->number);
    if (ec != std::errc() || end != n->token.data() + n->token.size())
      fail(start, "number " + token_excerpt(n->token) + " is out of range");
    return n;
  }

  NodePtr name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    const std::string_view word = std::string_view(text_).substr(start, pos_ - start);
    const std::string quoted_word = token_excerpt(word);
    const bool call = peek() == '(';
    if (const UnaryFunction* f = find_function(word)) {
      if (!call)
        fail(pos_, "function " + quoted_word + " needs its argument in parentheses, as " + std::string(word) + "(x)");
      const std::size_t open = pos_++;
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::Call;
      n->function = f;
      n->left = parenthesized(open);
      n->constant = n->left->constant;
      n->depth = n->left->depth + 1;
      return n;
    }
    if (call) fail(start, "unknown function " + quoted_word + " (functions: " + function_list() + ")");
    auto n = std::make_shared<Node>();
    n->token = std::string(word);
    if (word == "pi") {
      n->number = std::numbers::pi;
      return n;
    }
    for (std::size_t i = 0; i < kVariables.size(); ++i)
      if (word == kVariables[i]) {
        n->kind = Node::Kind::Variable;
        n->variable = i;
        n->constant = false;
        arity_ = std::max(arity_, i + 1);
        return n;
      }
    fail(start, "unknown variable " + quoted_word + " (variables: x, y, z; constant: pi)");
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  std::size_t nesting_ = 0;  // signs and parentheses being parsed
  std::size_t arity_ = 0;
};

}  // namespace

Expression::Expression(std::string_view text) : text_(text) {
  Parser parser(text_);
  root_ = parser.parse();
  arity_ = parser.arity();
}

std::string Expression::to_string() const { return written(*root_); }

Tensor Expression::operator()(const std::vector<Tensor>& variables) const {
  if (variables.size() < arity_)
    throw ValueError("expression \"" + util::excerpt(text_) + "\" uses " + std::string(kVariables[arity_ - 1]) +
                     ", so it needs " + std::to_string(arity_) + " variables, got " + std::to_string(variables.size()));
  const Dtype dtype = variables.empty() ? Dtype::Float64 : variables.front().dtype();
  return evaluate(*root_, variables, dtype);
}

double Expression::value(const std::vector<double>& point) const {
  NoGradGuard no_grad;
  std::vector<Tensor> vars;
  for (double v : point) vars.push_back(scalar_tensor(v, Dtype::Float64));
  return (*this)(vars).item();
}

}  // namespace descent::functions
