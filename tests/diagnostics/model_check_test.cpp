// Both model checks together: a model with dropout in training mode is checked on one mask, and the
// caller's generator is left as it was.
#include "descent/diagnostics/model_check.hpp"

#include <gtest/gtest.h>

#include "diagnostics/check_models.hpp"

namespace descent::diagnostics {
namespace {

TEST(ModelCheck, DropoutInTrainingModeDrawsOneMaskForTheWholeCheck) {
  // Linear(5, 8) -> Tanh -> Dropout(0.5) -> Linear(8, 3), in training mode: a fresh mask in each
  // forward would make every difference noise and every probe step a gamble
  Generator gen(3);
  nn::Sequential model({std::make_shared<nn::Linear>(5, 8, nn::LinearOptions{.generator = &gen}),
                        std::make_shared<nn::Tanh>(), std::make_shared<nn::Dropout>(0.5),
                        std::make_shared<nn::Linear>(8, 3, nn::LinearOptions{.generator = &gen})});
  model.train();
  const auto b = testing::batch();
  manual_seed(7);
  const std::string before = default_generator().state();
  ModelCheckOptions options;
  options.gradients.samples = 0;
  const auto r = check_model(model, testing::cross_entropy_loss(), b.inputs, b.targets, testing::sgd(0.1), options);
  EXPECT_TRUE(r.passed()) << r.report();
  for (const auto& p : r.gradients.parameters) {
    EXPECT_EQ(p.at_kink.count, 0) << p.name;
    EXPECT_EQ(p.retested.count, 0) << p.name;
    EXPECT_LT(p.max_abs_error, 1e-8) << p.name;
  }
  EXPECT_EQ(default_generator().state(), before);  // the check draws nothing from it
}

}  // namespace
}  // namespace descent::diagnostics
