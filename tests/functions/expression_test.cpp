// The expression parser: the tree it builds (written back fully parenthesized), the values and
// gradients of that tree through the autograd ops, and the column and wording of every kind of error.
#include "descent/functions/expression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/diagnostics/gradcheck.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::functions {
namespace {

struct TreeCase {
  const char* text;
  const char* tree;
};

// One table for precedence and associativity.
const TreeCase kTrees[] = {
    {"1+2*3", "(1+(2*3))"},
    {"1*2+3", "((1*2)+3)"},
    {"1-2-3", "((1-2)-3)"},  // left-associative
    {"8/4/2", "((8/4)/2)"},
    {"2*3/4*5", "(((2*3)/4)*5)"},
    {"2^3^2", "(2^(3^2))"},  // right-associative
    {"-x^2", "(-(x^2))"},    // ^ binds tighter than a leading minus
    {"-x*y", "((-x)*y)"},    // unary minus binds tighter than *
    {"x^-2", "(x^(-2))"},    // a sign in the exponent
    {"x^-y^2", "(x^(-(y^2)))"},
    {"2*-x", "(2*(-x))"},
    {"--x", "(-(-x))"},
    {"+x", "x"},
    {"x - -1", "(x-(-1))"},
    {"(x+y)*z", "((x+y)*z)"},
    {"((x))", "x"},
    {"sin(x)^2", "(sin(x)^2)"},
    {"-sin(x)^2", "(-(sin(x)^2))"},
    {"exp(-x^2/2)", "exp(((-(x^2))/2))"},
    {"sqrt(x*x + y*y)", "sqrt(((x*x)+(y*y)))"},
    {"1e-3*x + 2.5E+2 - .5", "(((1e-3*x)+2.5E+2)-.5)"},
    {" x \t*  y ", "(x*y)"},
    {"tanh(sigmoid(abs(log(cos(z)))))", "tanh(sigmoid(abs(log(cos(z)))))"},
    {"2*pi*x", "((2*pi)*x)"},
};

TEST(Expression, PrecedenceAndAssociativity) {
  for (const TreeCase& c : kTrees) EXPECT_EQ(Expression(c.text).to_string(), c.tree) << c.text;
}

struct ValueCase {
  const char* text;
  std::vector<double> point;
  double value;
};

TEST(Expression, Values) {
  const double pi = std::numbers::pi;
  const ValueCase cases[] = {
      {"2^3^2", {}, 512},
      {"-2^2", {}, -4},
      {"(-2)^2", {}, 4},
      {"10 - 4 - 3", {}, 3},
      {"2*3 + 4*5", {}, 26},
      {"1e-3", {}, 0.001},
      {"2.5E+1", {}, 25},
      {".5", {}, 0.5},
      {"pi", {}, pi},
      {"x^2", {-3}, 9},  // a constant exponent works for a negative base
      {"x^3", {-2}, -8},
      {"x^-1", {4}, 0.25},
      {"2^x", {3}, 8},
      {"x^y", {2, 3}, 8},
      {"x/y/z", {12, 3, 2}, 2},
      {"exp(x)", {1}, std::exp(1.0)},
      {"log(exp(x))", {2}, 2},
      {"sqrt(x)", {16}, 4},
      {"sin(x)", {pi / 2}, 1},
      {"cos(x)", {0}, 1},
      {"tanh(x)", {0.5}, std::tanh(0.5)},
      {"sigmoid(x)", {0}, 0.5},
      {"abs(x)", {-3}, 3},
      {"y", {7, 5}, 5},
  };
  for (const ValueCase& c : cases) EXPECT_NEAR(Expression(c.text).value(c.point), c.value, 1e-12) << c.text;
}

TEST(Expression, ArityIsTheLastVariableUsed) {
  EXPECT_EQ(Expression("3 + 4").arity(), 0u);
  EXPECT_EQ(Expression("x").arity(), 1u);
  EXPECT_EQ(Expression("y^2").arity(), 2u);  // x is a variable even when unused
  EXPECT_EQ(Expression("z + x").arity(), 3u);
}

TEST(Expression, TooFewVariablesIsAnError) {
  const Expression e("x*y");
  try {
    e({scalar_tensor(1.0, Dtype::Float64)});
    FAIL() << "no error";
  } catch (const ValueError& error) {
    EXPECT_STREQ(error.what(), "expression \"x*y\" uses y, so it needs 2 variables, got 1");
  }
}

TEST(Expression, ConstantsTakeTheVariablesDtype) {
  const Tensor x = scalar_tensor(0.5, Dtype::Float32);
  const Tensor f = Expression("x + 0.1")({x});
  EXPECT_EQ(f.dtype(), Dtype::Float32);
  EXPECT_EQ(f.dim(), 0);
  EXPECT_EQ(static_cast<float>(f.item()), 0.5f + 0.1f);
  EXPECT_EQ(Expression("2 + 3")({}).dtype(), Dtype::Float64);
}

TEST(Expression, CopiesOutliveTheOriginal) {
  std::vector<Expression> kept;
  {
    const Expression e("1.5*x + 2e0");
    kept.push_back(e);
  }
  EXPECT_EQ(kept[0].to_string(), "((1.5*x)+2e0)");
  EXPECT_DOUBLE_EQ(kept[0].value({2}), 5);
}

// ---- gradients ----

// d/dx at a point by backward(), every variable a float64 leaf.
std::vector<double> gradient(const Expression& e, const std::vector<double>& point) {
  std::vector<Tensor> vars;
  for (double v : point) vars.push_back(scalar_tensor(v, Dtype::Float64).requires_grad_());
  e(vars).backward();
  std::vector<double> g;
  for (const Tensor& v : vars) g.push_back(v.grad().defined() ? v.grad().item() : 0.0);
  return g;
}

TEST(Expression, AnalyticGradients) {
  EXPECT_EQ(gradient(Expression("x^2"), {3}), std::vector<double>{6});
  EXPECT_EQ(gradient(Expression("-x^2"), {3}), std::vector<double>{-6});  // -(x^2), not (-x)^2
  EXPECT_EQ(gradient(Expression("x*y"), {3, 5}), (std::vector<double>{5, 3}));
  EXPECT_EQ(gradient(Expression("x - y/2"), {1, 1}), (std::vector<double>{1, -0.5}));
  EXPECT_NEAR(gradient(Expression("2^x"), {3})[0], 8 * std::log(2.0), 1e-12);
  EXPECT_NEAR(gradient(Expression("sigmoid(x)"), {0})[0], 0.25, 1e-15);
  const std::vector<double> g = gradient(Expression("x^2 + 0*z"), {1, 2, 3});
  EXPECT_EQ(g, (std::vector<double>{2, 0, 0}));  // y unused: no gradient reaches it
}

// The whole gradient of each expression against central differences, at points off every kink and
// inside every domain (log, sqrt and a variable base need positive arguments).
TEST(Expression, GradcheckEveryOperationAndFunction) {
  const char* cases[] = {
      "x^2*y + sin(z)",     "exp(-x^2/2)*cos(y) - z",    "log(x)*sqrt(y)/z", "tanh(x) - sigmoid(y)*abs(z)", "x^y + 2^z",
      "x^-2 + y^0.5 - z^3", "(x + y + z)^3 / (1 + x*x)", "-x^2 - -y*z + +x", "sqrt(x*x + y*y + z*z)",       "x/y - z/x",
  };
  const std::vector<Tensor> point = {scalar_tensor(0.7, Dtype::Float64), scalar_tensor(1.3, Dtype::Float64),
                                     scalar_tensor(-0.6, Dtype::Float64)};
  for (const char* text : cases) {
    const Expression e(text);
    std::vector<Tensor> inputs = point;
    if (std::string(text).find("log") != std::string::npos || std::string(text).find("x^y") != std::string::npos)
      inputs[2] = scalar_tensor(0.6, Dtype::Float64);
    const GradcheckResult r = gradcheck([&e](const std::vector<Tensor>& v) { return e(v); }, inputs);
    EXPECT_TRUE(r.passed) << text << "\n" << r.report();
  }
}

// ---- errors ----

struct ErrorCase {
  const char* text;
  std::size_t column;
  const char* reason;  // a part of it
};

const ErrorCase kErrors[] = {
    {"", 1, "the expression is empty"},
    {"   ", 4, "the expression is empty"},
    {"x^^2", 3, "expected a number, a variable, a function or '(', found '^'"},
    {"x +", 4, "expected a number, a variable, a function or '(', found the end"},
    {"2x", 2, "expected an operator (+ - * / ^) or the end, found 'x'"},
    {"x y", 3, "expected an operator (+ - * / ^) or the end, found 'y'"},
    {"x # y", 3, "found '#'"},
    {"(x+1", 5, "missing ')' to close the '(' at column 1"},
    {"2*(x+(y", 8, "missing ')' to close the '(' at column 6"},
    {"(x y)", 4, "expected an operator or the ')' closing the '(' at column 1, found 'y'"},
    {"sin(x", 6, "missing ')' to close the '(' at column 4"},
    {"x+1)", 4, "unmatched ')'"},
    {"()", 2, "found ')'"},
    {"foo(x)", 1, "unknown function 'foo' (functions: exp, log, sqrt, sin, cos, tanh, sigmoid, abs)"},
    {"2 * w + x", 5, "unknown variable 'w' (variables: x, y, z; constant: pi)"},
    {"X", 1, "unknown variable 'X'"},
    {"exp x", 5, "function 'exp' needs its argument in parentheses, as exp(x)"},
    {"1e", 3, "malformed number '1e': expected the exponent's digits"},
    {"1e+x", 4, "malformed number '1e+'"},
    {"1e999", 1, "number '1e999' is out of range"},
    {".", 1, "expected a digit before or after '.'"},
    {"1.5.2", 4, "expected an operator"},
    {"x\x01", 2, "found byte 0x01"},
};

TEST(Expression, ErrorsPointAtTheColumnAndSayWhy) {
  for (const ErrorCase& c : kErrors) {
    try {
      Expression e(c.text);
      ADD_FAILURE() << "no error for \"" << c.text << "\"";
    } catch (const ExpressionError& e) {
      EXPECT_EQ(e.column(), c.column) << c.text << ": " << e.what();
      EXPECT_NE(e.reason().find(c.reason), std::string::npos) << c.text << ": " << e.reason();
    }
  }
}

TEST(Expression, ErrorMessageShowsTheExpressionAndACaret) {
  try {
    Expression e("x^^2");
    FAIL() << "no error";
  } catch (const ValueError& e) {  // ExpressionError is a ValueError
    EXPECT_STREQ(e.what(),
                 "expression \"x^^2\", column 3: expected a number, a variable, a function or '(', found '^'\n"
                 "  x^^2\n"
                 "    ^");
  }
}

TEST(Expression, CaretKeepsTabsSoItLinesUp) {
  try {
    Expression e("x\t+ ?");
    FAIL() << "no error";
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.column(), 5u);
    const std::string what = e.what();
    EXPECT_EQ(what.substr(what.find('\n')), "\n  x\t+ ?\n   \t  ^");
  }
}

TEST(Expression, DeepNestingIsAnErrorNotACrash) {
  EXPECT_THROW(Expression(std::string(100000, '(') + "x"), ExpressionError);
  EXPECT_THROW(Expression(std::string(100000, '-') + "x"), ExpressionError);
  std::string long_sum = "x";
  for (int i = 0; i < 100000; ++i) long_sum += "+x";
  EXPECT_THROW(Expression{long_sum}, ExpressionError);
  EXPECT_NO_THROW(Expression(std::string(100, '(') + "x" + std::string(100, ')')));
}

std::string power_tower(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += "x^";
  return text + "1";
}

TEST(Expression, PowerTowerIsAnErrorNotAStackOverflow) {
  // x^x^...^1 with 30,000 '^': each exponent recursed without the guard signs and parentheses have.
  EXPECT_THROW(Expression{power_tower(30000)}, ExpressionError);
  EXPECT_NO_THROW(Expression{power_tower(200)});
  try {
    Expression e{power_tower(30000)};
  } catch (const ExpressionError& e) {
    EXPECT_NE(e.reason().find("nested more than 512 deep"), std::string::npos) << e.reason();
  }
}

TEST(Expression, LongExpressionsAreQuotedInPart) {
  // The message shows at most 60 bytes around the column, the caret under it; a token at most 20.
  const std::string text = "x + " + std::string(80000, 'w');
  try {
    Expression e{text};
    FAIL() << "no error";
  } catch (const ExpressionError& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 400u) << what;
    EXPECT_EQ(e.column(), 5u);
    EXPECT_NE(what.find("unknown variable '" + std::string(20, 'w') + "... (80000 bytes)'"), std::string::npos) << what;
    EXPECT_TRUE(what.starts_with("expression \"x + " + std::string(56, 'w') + "...\", column 5")) << what;
  }
  const std::string deep = std::string(70, ' ') + "x + 1" + std::string(70, ' ') + "?";
  try {
    Expression e{deep};
    FAIL() << "no error";
  } catch (const ExpressionError& e) {
    const std::string what = e.what();
    const std::string shown = what.substr(what.find('\n') + 3, what.rfind('\n') - what.find('\n') - 3);
    const std::string caret = what.substr(what.rfind('\n') + 3);
    EXPECT_EQ(shown.size(), 63u) << what;  // "..." and 60 bytes
    EXPECT_EQ(shown[caret.size() - 1], '?') << what;
  }
}

}  // namespace
}  // namespace descent::functions
