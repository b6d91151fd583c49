#pragma once
// A tiny classifier trained through the command line, for the tests of the commands that use a
// checkpoint (descent eval, predict): write_idx_data_set's 48 training and 16 test images of 3 x 3
// pixels in 3 classes, an MLP [9, 6, 3] trained for `epochs` epochs and saved.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/util/number_text.hpp"
#include "idx_data_dir.hpp"

namespace descent::cli::testing {

inline const std::string kClassifier =
    "[model]\nlayers = [9, 6, 3]\n[data]\nclasses = 3\n[optim]\nlr = 0.5\n[train]\nbatch_size = 4\n";

// The test set's labels (write_idx_data_set: i % 3) and image i's pixels.
inline std::int64_t test_label(int i) { return i % 3; }
inline std::vector<std::uint8_t> test_pixels(int i) {
  std::vector<std::uint8_t> out;
  for (int k = i * 9; k < i * 9 + 9; ++k) out.push_back(static_cast<std::uint8_t>((k * 37 + 2 * 11 + 1 * 53) % 251));
  return out;
}

class TrainedModel : public ::testing::Test {
 protected:
  void SetUp() override { write_idx_data_set(dir_.path(), 1); }

  std::string write_config(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
    return dir_.file(name);
  }
  // Trains `config` (written as `name`) and saves the checkpoint `checkpoint`; returns train's output.
  std::string train(const std::string& name, const std::string& config, const std::string& checkpoint,
                    int epochs = 1) const {
    const Result r = run_cli({"train", write_config(name, config), "--data-dir", dir_.path(), "--epochs",
                              std::to_string(epochs), "--save", dir_.file(checkpoint)});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }
  nlohmann::json read_json(const std::string& name) const {
    std::ifstream in(dir_.file(name));
    return nlohmann::json::parse(in);
  }
  std::string test_images() const { return dir_.file("t10k-images-idx3-ubyte.gz"); }

  data::testing::TempDir dir_;
};

}  // namespace descent::cli::testing
