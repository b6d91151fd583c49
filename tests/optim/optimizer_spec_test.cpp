// make_optimizer: names, option text, and the errors for unknown keys and bad values.
#include "descent/optim/optimizer_spec.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"
#include "descent/optim/adam.hpp"
#include "descent/optim/rmsprop.hpp"

namespace descent::optim {
namespace {

NamedParameters one_parameter() { return {{"w", tensor({1.0}).requires_grad_()}}; }

std::string error_for(const OptimizerSpec& spec) {
  try {
    make_optimizer(spec, one_parameter());
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ValueError for " << spec.name;
  return {};
}

TEST(MakeOptimizer, EveryNameBuildsItsRule) {
  EXPECT_EQ(optimizer_names(), (std::vector<std::string>{"sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw"}));
  const std::vector<std::string> rules = {"SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW"};
  for (std::size_t i = 0; i < rules.size(); ++i)
    EXPECT_EQ(make_optimizer({optimizer_names()[i], {}}, one_parameter())->name(), rules[i]);
}

TEST(MakeOptimizer, ReadsEveryKindOfValue) {
  auto opt = make_optimizer({"adam", {{"lr", "0.05"}, {"betas", "0.8, 0.99"}, {"eps", "1e-6"}, {"amsgrad", "true"}}},
                            one_parameter());
  const auto& o = dynamic_cast<const Adam&>(*opt).options();
  EXPECT_EQ(o.lr, 0.05);
  EXPECT_EQ(o.betas, (Betas{0.8, 0.99}));
  EXPECT_EQ(o.eps, 1e-6);
  EXPECT_TRUE(o.amsgrad);
  EXPECT_FALSE(o.maximize);
  EXPECT_EQ(o.weight_decay, 0.0);  // the default
  auto rms = make_optimizer({"rmsprop", {{"lr", "3"}, {"centered", "false"}}}, one_parameter());
  EXPECT_EQ(dynamic_cast<const RMSprop&>(*rms).options().lr, 3.0);
}

TEST(MakeOptimizer, OptionNamesArePyTorchs) {
  EXPECT_EQ(optimizer_option_names("sgd"),
            (std::vector<std::string>{"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"}));
  EXPECT_EQ(
      optimizer_option_names("adagrad"),
      (std::vector<std::string>{"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"}));
  EXPECT_EQ(optimizer_option_names("adadelta"),
            (std::vector<std::string>{"lr", "rho", "eps", "weight_decay", "maximize"}));
  EXPECT_EQ(optimizer_option_names("rmsprop"),
            (std::vector<std::string>{"lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"}));
  EXPECT_EQ(optimizer_option_names("adam"),
            (std::vector<std::string>{"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"}));
  EXPECT_EQ(optimizer_option_names("adamw"), optimizer_option_names("adam"));
  const auto infos = optimizer_options("adamw");
  EXPECT_EQ(infos[1].kind, OptionKind::NumberPair);
  EXPECT_EQ(infos[1].default_value, "0.9,0.999");
  EXPECT_EQ(infos[3].default_value, "0.01");
  EXPECT_EQ(infos[4].kind, OptionKind::Flag);
  EXPECT_EQ(infos[4].default_value, "false");
}

TEST(MakeOptimizer, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(error_for({"adamax", {}}),
            "unknown optimizer \"adamax\" (known: sgd, adagrad, adadelta, rmsprop, adam, adamw)");
  EXPECT_THROW(optimizer_option_names("Adam"), ValueError);
}

TEST(MakeOptimizer, UnknownKeyListsTheOptimizersKeys) {
  EXPECT_EQ(error_for({"adam", {{"beta1", "0.9"}}}),
            "Adam: unknown option beta1 (Adam takes lr, betas, eps, weight_decay, amsgrad, maximize)");
  EXPECT_EQ(error_for({"sgd", {{"lr", "0.1"}, {"lr", "0.2"}}}),
            "SGD: option given twice: lr (SGD takes lr, momentum, dampening, weight_decay, nesterov, maximize)");
}

TEST(MakeOptimizer, BadValuesNameKeyValueAndExpectation) {
  EXPECT_EQ(error_for({"sgd", {{"lr", "fast"}}}), "SGD: lr = fast: expected a number");
  EXPECT_EQ(error_for({"sgd", {{"lr", "inf"}}}), "SGD: lr = inf: expected a number");
  EXPECT_EQ(error_for({"sgd", {{"nesterov", "1"}}}), "SGD: nesterov = 1: expected true or false");
  EXPECT_EQ(error_for({"adam", {{"betas", "0.9"}}}), "Adam: betas = 0.9: expected two numbers, e.g. 0.9,0.999");
  EXPECT_EQ(error_for({"adam", {{"betas", "1.5,0.999"}}}), "Adam: betas[0] = 1.5: expected 0 <= beta < 1");
  EXPECT_EQ(error_for({"sgd", {{"lr", "-0.1"}}}), "SGD: lr = -0.1: expected lr >= 0");
  EXPECT_EQ(
      error_for({"sgd", {{"nesterov", "true"}}}),
      "SGD: nesterov = true: expected nesterov = true only with momentum > 0 and dampening = 0 (got momentum = 0, "
      "dampening = 0)");
  try {
    check_optimizer_spec({"rmsprop", {{"alpha", "-1"}}});
    FAIL();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "alpha");
    EXPECT_EQ(e.expected(), "alpha >= 0");
  }
  EXPECT_NO_THROW(check_optimizer_spec({"adamw", {{"weight_decay", "0.1"}}}));
}

}  // namespace
}  // namespace descent::optim
