// Objective: a test function by name or an expression, its variable names and the counts it takes.
#include "descent/functions/objective.hpp"

#include <gtest/gtest.h>

#include "descent/tensor/creation.hpp"

namespace descent::functions {
namespace {

std::string check_message(const Objective& f, std::size_t n) {
  try {
    f.check_variables(n);
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

TEST(Objective, NameOrExpression) {
  EXPECT_NE(Objective("rosenbrock").test_function(), nullptr);
  EXPECT_EQ(Objective("x^2 + 1").test_function(), nullptr);
  EXPECT_EQ(Objective("x^2 + 1").name(), "x^2 + 1");
  std::vector<Tensor> x = {scalar_tensor(2, Dtype::Float64), scalar_tensor(3, Dtype::Float64)};
  EXPECT_DOUBLE_EQ(Objective("booth")(x).item(), 1 + 4);  // (2 + 6 - 7)^2 + (4 + 3 - 5)^2
  EXPECT_DOUBLE_EQ(Objective("x*y")(x).item(), 6);
}

TEST(Objective, VariableNames) {
  EXPECT_EQ(Objective::variable_names(1), std::vector<std::string>{"x"});
  EXPECT_EQ(Objective::variable_names(3), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(Objective::variable_names(4), (std::vector<std::string>{"x1", "x2", "x3", "x4"}));
}

TEST(Objective, VariableCounts) {
  EXPECT_EQ(check_message(Objective("quadratic"), 7), "");
  EXPECT_EQ(check_message(Objective("rastrigin"), 1), "");
  EXPECT_EQ(check_message(Objective("rosenbrock"), 3), "rosenbrock takes 2 variables (x, y), got 3");
  EXPECT_EQ(check_message(Objective("y"), 1), "expression \"y\" uses y, so it needs 2 variables (x, y), got 1");
  EXPECT_EQ(check_message(Objective("y"), 3), "");  // x and z unused
  EXPECT_EQ(check_message(Objective("x"), 4),
            "expression \"x\": expressions take at most 3 variables (x, y, z), got 4");
  EXPECT_EQ(check_message(Objective("1"), 0), "1: needs at least 1 variable, got none");
  EXPECT_THROW(Objective("booth")({scalar_tensor(1, Dtype::Float64)}), ValueError);
}

TEST(Objective, AMisspelledNameIsReportedAsOne) {
  try {
    Objective f("rosenbrok");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(),
                 "\"rosenbrok\" is neither a test function (quadratic, rosenbrock, beale, booth, himmelblau, "
                 "rastrigin) nor an expression in x, y, z");
  }
  EXPECT_THROW(Objective("rosenbrok + x"), ExpressionError);  // in an expression it is an unknown variable
}

}  // namespace
}  // namespace descent::functions
