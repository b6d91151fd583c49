// The short part of the diagnosis suite (examples/faults/README.md), run by CI: the MLP cases, each
// `descent doctor` on its config with Debian's Fashion-MNIST, must name its expected root cause first
// and the healthy ones none. The whole suite, CNNs and --try-fix included, is examples/faults/run.sh.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "../../examples/faults/fault_data.hpp"
#include "descent/data/dataset.hpp"
#include "descent/train/doctor.hpp"

namespace descent::train {
namespace {

constexpr const char* kFashion = "/usr/share/datasets/fashion-mnist";

struct Case {
  const char* name;
  const char* expected;  // the first cause, or "healthy"
  const char* data;      // "fashion" or a fault_data kind
};

std::ostream& operator<<(std::ostream& out, const Case& c) { return out << c.name; }

// Written once, into the system's temporary directory, and reused by later runs.
std::string data_dir(const std::string& kind) {
  if (kind == "fashion") return kFashion;
  std::string dir = (std::filesystem::temp_directory_path() / "descent-fault-data" / kind).string();
  if (data::has_idx_files(dir)) return dir;
  // Written whole under another name, then renamed: an interrupted run leaves no half-written set.
  const std::string partial = dir + ".partial-" + std::to_string(::getpid());
  fault_data::write(kind, kFashion, partial);
  std::error_code error;
  std::filesystem::rename(partial, dir, error);
  if (error) std::filesystem::remove_all(partial);  // another process wrote it first
  return dir;
}

class FaultCase : public testing::TestWithParam<Case> {};

TEST_P(FaultCase, DoctorNamesTheRootCauseFirst) {
  if (!data::has_idx_files(kFashion)) GTEST_SKIP() << "needs Debian's dataset-fashion-mnist in " << kFashion;
  const Case& c = GetParam();
  std::ostringstream out;
  const DoctorReport r =
      run_doctor(std::string(DESCENT_SOURCE_DIR) + "/examples/faults/" + c.name + ".toml",
                 {.data_dir = data_dir(c.data), .json_path = "", .try_fix = false, .threads = 1}, out);
  const std::string expected = c.expected;
  if (expected == "healthy") {
    EXPECT_TRUE(r.healthy) << out.str();
  } else {
    ASSERT_FALSE(r.healthy) << out.str();
    EXPECT_EQ(r.findings.front().cause, expected) << out.str();
    // A clear failure named within a tenth of the planned updates.
    EXPECT_LE(r.findings.front().step, r.planned_steps / 10) << out.str();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Mlp, FaultCase,
    testing::Values(
        Case{"lr_too_high_mlp", "lr_too_high", "fashion"}, Case{"lr_too_low_mlp", "lr_too_low", "fashion"},
        Case{"vanishing_gradient_mlp", "vanishing_gradient", "fashion"}, Case{"dead_relu_mlp", "dead_relu", "fashion"},
        Case{"unscaled_input_mlp", "unscaled_input", "fashion"},
        Case{"loss_output_mismatch_mlp", "loss_output_mismatch", "fashion"},
        Case{"linear_model_mlp", "linear_model", "fashion"}, Case{"no_signal_mlp", "no_signal", "shuffled_labels"},
        Case{"label_mismatch_mlp", "label_mismatch", "shifted_test"},
        Case{"unshuffled_data_mlp", "unshuffled_data", "sorted"},
        Case{"class_imbalance_mlp", "class_imbalance", "imbalanced"},
        Case{"over_regularization_mlp", "over_regularization", "fashion"},
        Case{"bad_optimizer_setting_mlp", "bad_optimizer_setting", "fashion"},
        Case{"uphill_update_mlp", "uphill_update", "fashion"}, Case{"bad_init_zeros_mlp", "bad_init", "fashion"},
        Case{"exploding_gradient_mlp", "exploding_gradient", "fashion"}, Case{"healthy_mlp_sgd", "healthy", "fashion"},
        Case{"healthy_mlp_adam", "healthy", "fashion"}, Case{"healthy_mlp_tanh_nesterov", "healthy", "fashion"},
        Case{"healthy_mlp_sigmoid_mse", "healthy", "fashion"}),
    [](const testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace descent::train
