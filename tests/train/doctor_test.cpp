// `descent doctor` end to end on a config with its data written inline (no data directory): a model
// with no nonlinearity is named linear_model, with its fix, in the JSON of issue 12 (point 3); the same
// config with relu is healthy; --try-fix applies the fix and confirms it.
#include "descent/train/doctor.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace descent::train {
namespace {

namespace fs = std::filesystem;

// Three Linear layers and no activation fitting the saddle z = x y on an 8 x 8 grid (64 examples,
// batches of 16, 200 epochs: 800 planned updates).
const std::string kLinearModel = std::string(DESCENT_SOURCE_DIR) + "/examples/faults/linear_model_mlp.toml";

class Doctor : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_doctor_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The linear-model config with relu between its layers: the healthy twin.
  std::string relu_config() {
    std::ifstream in(kLinearModel);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const std::string from = "activation = \"none\"";
    const std::size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos);
    s.replace(at, from.size(), "activation = \"relu\"");
    const std::string path = (dir_ / "relu.toml").string();
    std::ofstream(path) << s;
    return path;
  }

  fs::path dir_;
};

TEST_F(Doctor, ALinearModelIsNamedWithItsFixInTheJson) {
  std::ostringstream out;
  const std::string json_path = (dir_ / "verdict.json").string();
  const DoctorReport r = run_doctor(kLinearModel, {.json_path = json_path}, out);
  EXPECT_FALSE(r.healthy) << out.str();
  ASSERT_FALSE(r.findings.empty()) << out.str();
  EXPECT_EQ(r.findings.front().cause, "linear_model") << out.str();
  EXPECT_EQ(r.planned_steps, 800);  // 200 epochs of 64 / 16 batches
  // Found before training: the watch stops at its first evaluation point from min_steps (100) on.
  EXPECT_GE(r.steps_run, 100);
  EXPECT_LT(r.steps_run, r.planned_steps);
  EXPECT_NE(out.str().find("Verdict: linear_model (root cause)"), std::string::npos) << out.str();

  std::ifstream file(json_path);
  ASSERT_TRUE(file) << json_path;
  const nlohmann::json j = nlohmann::json::parse(file);
  EXPECT_EQ(j, nlohmann::json::parse(doctor_json(r)));  // --json writes doctor_json
  // The keys of issue 12, point 3.
  EXPECT_EQ(j.at("healthy"), false);
  EXPECT_EQ(j.at("steps_run"), r.steps_run);
  EXPECT_TRUE(j.at("seconds").is_number_float());
  ASSERT_TRUE(j.at("findings").is_array());
  ASSERT_FALSE(j.at("findings").empty());
  for (const auto& f : j.at("findings")) {
    for (const char* key : {"cause", "severity", "where", "step", "evidence", "fix", "fix_text"})
      EXPECT_TRUE(f.contains(key)) << key << " in " << f.dump();
    EXPECT_TRUE(f.at("severity") == "problem" || f.at("severity") == "warning") << f.dump();
    EXPECT_TRUE(f.at("fix").is_null() || f.at("fix").is_object()) << f.dump();
    EXPECT_TRUE(f.at("step").is_number_integer()) << f.dump();
  }
  const auto& first = j.at("findings").at(0);
  EXPECT_EQ(first.at("cause"), "linear_model");
  EXPECT_EQ(first.at("severity"), "problem");
  EXPECT_EQ(first.at("where"), "model");
  EXPECT_EQ(first.at("fix"), (nlohmann::json{{"model.activation", "relu"}}));
  EXPECT_FALSE(j.contains("fix_result"));  // only with --try-fix
}

TEST_F(Doctor, TheSameModelWithReluIsHealthy) {
  std::ostringstream out;
  const DoctorReport r = run_doctor(relu_config(), {}, out);
  EXPECT_TRUE(r.healthy) << out.str();
  for (const auto& f : r.findings) EXPECT_EQ(f.severity, diagnostics::Severity::Warning) << diagnostics::describe(f);
  EXPECT_NE(out.str().find("Verdict: healthy"), std::string::npos) << out.str();
  const nlohmann::json j = nlohmann::json::parse(doctor_json(r));
  EXPECT_EQ(j.at("healthy"), true);
  EXPECT_LE(j.at("steps_run").get<std::int64_t>(), 800);
}

TEST_F(Doctor, TryFixAppliesReluAndConfirmsIt) {
  std::ostringstream out;
  DoctorOptions options;
  options.try_fix = true;
  const DoctorReport r = run_doctor(kLinearModel, options, out);
  ASSERT_TRUE(r.fix_result.has_value()) << out.str();
  const FixResult& fix = *r.fix_result;
  EXPECT_EQ(fix.applied, (std::vector<std::pair<std::string, std::string>>{{"model.activation", "\"relu\""}}));
  // A regression: no accuracy (NaN); the fixed run's training loss is clearly lower.
  EXPECT_TRUE(std::isnan(fix.before.test_accuracy));
  EXPECT_LT(fix.after.train_loss, 0.95 * fix.before.train_loss) << out.str();
  EXPECT_TRUE(fix.confirmed) << out.str();
  EXPECT_NE(out.str().find("try-fix: CONFIRMED"), std::string::npos) << out.str();
  const nlohmann::json j = nlohmann::json::parse(doctor_json(r));
  EXPECT_EQ(j.at("fix_result").at("applied"), (nlohmann::json{{"model.activation", "relu"}}));
  EXPECT_EQ(j.at("fix_result").at("confirmed"), true);
  EXPECT_TRUE(j.at("fix_result").at("before").at("test_accuracy").is_null());  // NaN as null
  EXPECT_TRUE(j.at("fix_result").at("after").at("train_loss").is_number());
}

TEST_F(Doctor, MaxStepsBoundsTheWatch) {
  std::ostringstream out;
  DoctorOptions options;
  options.max_steps = 40;
  const DoctorReport r = run_doctor(relu_config(), options, out);
  EXPECT_LE(r.steps_run, 40);
  EXPECT_NE(out.str().find("up to 40 of 800 planned updates"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace descent::train
