// The learning-rate schedules against PyTorch's values (tests/reference/lr_schedules.py wrote
// lr_schedules.json): every lr of every group, after the constructor and after each step, must be
// PyTorch's to the last bit; OneCycleLR's momentum (or beta1) likewise. Then resuming from state
// dicts, and the checks on options.
#include "descent/optim/lr_scheduler/scheduler_spec.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "descent/descent.hpp"
#include "descent/optim/adagrad.hpp"
#include "descent/optim/adam.hpp"
#include "descent/optim/lr_scheduler/one_cycle_lr.hpp"
#include "descent/optim/lr_scheduler/reduce_lr_on_plateau.hpp"
#include "descent/optim/lr_scheduler/step_lr.hpp"
#include "descent/optim/sgd.hpp"
#include "optim/spec_print.hpp"

namespace descent::optim {
namespace {

// The script's optimizers: two groups, lr 0.1 and 0.01, momentum 0.9 for SGD.
struct TwoGroups {
  Tensor a = zeros(Shape{1}).requires_grad_(), b = zeros(Shape{1}).requires_grad_();
  std::unique_ptr<Optimizer> opt;

  explicit TwoGroups(const std::string& name) {
    if (name == "sgd")
      opt = with_groups<SGD>(SGDOptions{.lr = 0.1, .momentum = 0.9}, SGDOptions{.lr = 0.01, .momentum = 0.9});
    else if (name == "adam") opt = with_groups<Adam>(AdamOptions{.lr = 0.1}, AdamOptions{.lr = 0.01});
    else opt = with_groups<Adagrad>(AdagradOptions{.lr = 0.1}, AdagradOptions{.lr = 0.01});
  }
  template <class Rule, class Options>
  std::unique_ptr<Optimizer> with_groups(Options first, Options second) {
    auto rule = std::make_unique<Rule>(NamedParameters{{"a", a}}, first);
    rule->add_param_group(NamedParameters{{"b", b}}, second);
    return rule;
  }
  double momentum() const {
    for (const auto& [name, value] : opt->group_options(0))
      if (name == "betas[0]" || name == "momentum") return value;
    return 0.0;
  }
};

SchedulerSpec spec_of(const nlohmann::json& run) {
  SchedulerSpec spec{run["scheduler"].get<std::string>(), {}};
  for (const auto& kv : run["options"]) spec.options.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
  return spec;
}

TEST(LRSchedulerReference, EveryScheduleIsPyTorchsToTheLastBit) {
  std::ifstream in(std::string(DESCENT_SOURCE_DIR) + "/tests/reference/lr_schedules.json");
  ASSERT_TRUE(in) << "missing tests/reference/lr_schedules.json";
  const auto ref = nlohmann::json::parse(in);
  for (const auto& run : ref["runs"]) {
    const SchedulerSpec spec = spec_of(run);
    TwoGroups groups(run["optimizer"].get<std::string>());
    auto sched = make_scheduler(spec, *groups.opt);
    const auto lrs = run["lrs"].get<std::vector<std::vector<double>>>();
    const bool plateau = run.contains("metrics");
    for (std::size_t i = 0; i < lrs.size(); ++i) {
      if (i > 0) {
        groups.opt->step();
        if (plateau) {
          sched->step(run["metrics"][i - 1].get<double>());
        } else {
          sched->step();
        }
      }
      ASSERT_EQ(sched->get_last_lr(), lrs[i]) << spec.name << " " << run["options"].dump() << " at step " << i;
      if (run.contains("momentum")) {
        ASSERT_EQ(groups.momentum(), run["momentum"][i].get<double>()) << spec.name << " momentum at step " << i;
      }
    }
  }
}

// N steps, both state dicts saved, a fresh optimizer and scheduler loading them: the next M lrs are
// those of the run that went on.
class SchedulerResume : public ::testing::TestWithParam<SchedulerSpec> {};

TEST_P(SchedulerResume, ContinuesWhereItStopped) {
  constexpr int kBefore = 6, kAfter = 9;
  auto metric = [](int i) { return 1.0 / (1 + i % 4); };  // improves, then stalls, for ReduceLROnPlateau
  auto advance = [&](LRScheduler& s, int i) { s.step(metric(i)); };

  TwoGroups straight("sgd");
  auto sched = make_scheduler(GetParam(), *straight.opt);
  for (int i = 0; i < kBefore; ++i) advance(*sched, i);
  const OptimizerState opt_state = straight.opt->state_dict();
  const SchedulerState sched_state = sched->state_dict();
  std::vector<std::vector<double>> expected;
  for (int i = kBefore; i < kBefore + kAfter; ++i) {
    advance(*sched, i);
    expected.push_back(sched->get_last_lr());
  }

  TwoGroups resumed("sgd");
  auto again = make_scheduler(GetParam(), *resumed.opt);  // build both as for the first run,
  resumed.opt->load_state_dict(opt_state);                // then load both
  again->load_state_dict(sched_state);
  EXPECT_EQ(again->last_epoch(), sched_state.at("last_epoch"));
  for (int i = kBefore; i < kBefore + kAfter; ++i) {
    advance(*again, i);
    EXPECT_EQ(again->get_last_lr(), expected[static_cast<std::size_t>(i - kBefore)]) << "step " << i;
  }
  EXPECT_EQ(resumed.momentum(), straight.momentum());
}

INSTANTIATE_TEST_SUITE_P(Schedules, SchedulerResume,
                         ::testing::Values(SchedulerSpec{"steplr", {{"step_size", "4"}}},
                                           SchedulerSpec{"multisteplr", {{"milestones", "3,8,12"}}},
                                           SchedulerSpec{"exponentiallr", {{"gamma", "0.8"}}},
                                           SchedulerSpec{"cosineannealinglr", {{"T_max", "5"}}},
                                           SchedulerSpec{"linearlr", {{"total_iters", "10"}}},
                                           SchedulerSpec{"onecyclelr", {{"max_lr", "0.5"}, {"total_steps", "20"}}},
                                           SchedulerSpec{"reducelronplateau", {{"patience", "1"}, {"cooldown", "1"}}}),
                         [](const ::testing::TestParamInfo<SchedulerSpec>& param_info) {
                           return param_info.param.name;
                         });

std::string error_for(const SchedulerSpec& spec, Optimizer& opt) {
  try {
    make_scheduler(spec, opt);
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ValueError for " << spec.name;
  return {};
}

TEST(MakeScheduler, NamesAndOptions) {
  EXPECT_EQ(scheduler_names(), (std::vector<std::string>{"steplr", "multisteplr", "exponentiallr", "cosineannealinglr",
                                                         "linearlr", "onecyclelr", "reducelronplateau"}));
  EXPECT_EQ(scheduler_option_names("steplr"), (std::vector<std::string>{"step_size", "gamma"}));
  EXPECT_EQ(scheduler_option_names("cosineannealinglr"), (std::vector<std::string>{"T_max", "eta_min"}));
  EXPECT_EQ(scheduler_option_names("reducelronplateau"),
            (std::vector<std::string>{"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr",
                                      "eps"}));
  EXPECT_EQ(scheduler_options("multisteplr")[0].kind, OptionKind::IntegerList);
  EXPECT_EQ(scheduler_options("onecyclelr")[5].default_value, "cos");
}

TEST(MakeScheduler, RejectsBadOptions) {
  TwoGroups g("sgd");
  EXPECT_EQ(error_for({"cosine", {}}, *g.opt),
            "unknown scheduler \"cosine\" (known: steplr, multisteplr, exponentiallr, cosineannealinglr, linearlr, "
            "onecyclelr, reducelronplateau)");
  EXPECT_EQ(error_for({"steplr", {{"step", "3"}}}, *g.opt),
            "StepLR: unknown option step (StepLR takes step_size, gamma)");
  EXPECT_EQ(error_for({"steplr", {}}, *g.opt), "StepLR: step_size = 0: expected step_size >= 1");
  EXPECT_EQ(error_for({"steplr", {{"step_size", "2.5"}}}, *g.opt), "StepLR: step_size = 2.5: expected an integer");
  EXPECT_EQ(error_for({"multisteplr", {{"milestones", "30,10"}}}, *g.opt),
            "MultiStepLR: milestones = 30,10: expected increasing epochs >= 0, e.g. 30,80");
  EXPECT_EQ(error_for({"linearlr", {{"start_factor", "0"}}}, *g.opt),
            "LinearLR: start_factor = 0: expected 0 < start_factor <= 1");
  EXPECT_EQ(error_for({"onecyclelr", {{"max_lr", "0.1"}}}, *g.opt),
            "OneCycleLR: epochs = 0: expected epochs and steps_per_epoch >= 1, or total_steps >= 1");
  EXPECT_EQ(error_for({"onecyclelr", {{"max_lr", "0.1"}, {"total_steps", "9"}, {"anneal_strategy", "cosine"}}}, *g.opt),
            "OneCycleLR: anneal_strategy = cosine: expected cos or linear");
  EXPECT_EQ(error_for({"reducelronplateau", {{"mode", "lowest"}}}, *g.opt),
            "ReduceLROnPlateau: mode = lowest: expected min or max");
  EXPECT_EQ(error_for({"reducelronplateau", {{"factor", "1"}}}, *g.opt),
            "ReduceLROnPlateau: factor = 1: expected 0 <= factor < 1");
  EXPECT_NO_THROW(check_scheduler_spec({"exponentiallr", {{"gamma", "0.9"}}}));
  EXPECT_THROW(check_scheduler_spec({"exponentiallr", {}}), OptionError);
}

TEST(OneCycleLR, NeedsMomentumToCycleIt) {
  TwoGroups g("adagrad");
  EXPECT_EQ(error_for({"onecyclelr", {{"max_lr", "0.1"}, {"total_steps", "10"}}}, *g.opt),
            "OneCycleLR: cycle_momentum = true needs an optimizer with momentum or betas; Adagrad has neither (set "
            "cycle_momentum = false)");
}

TEST(OneCycleLR, StopsAtTotalSteps) {
  TwoGroups g("sgd");
  OneCycleLR sched(*g.opt, {.max_lr = 0.1, .total_steps = 3});
  for (int i = 0; i < 3; ++i) sched.step();  // epochs 1..3; PyTorch allows total_steps + 1 values
  EXPECT_THROW(sched.step(), ValueError);
}

TEST(ReduceLROnPlateau, NeedsTheMetric) {
  TwoGroups g("sgd");
  ReduceLROnPlateau sched(*g.opt);
  EXPECT_TRUE(sched.uses_metric());
  EXPECT_THROW(sched.step(), ValueError);
  sched.step(1.0);
  EXPECT_EQ(sched.best(), 1.0);
}

TEST(StepLR, SetsTheOptimizersLr) {
  TwoGroups g("sgd");
  StepLR sched(*g.opt, {.step_size = 1, .gamma = 0.5});
  sched.step();
  EXPECT_EQ(g.opt->lr(0), 0.05);
  EXPECT_EQ(g.opt->lr(1), 0.005);
  EXPECT_EQ(sched.base_lrs(), (std::vector<double>{0.1, 0.01}));
}

}  // namespace
}  // namespace descent::optim
