#pragma once
// What the tests of stopped and resumed runs share: a config with every part that has a state, and the
// check that two runs ended the same.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "descent/data/safetensors.hpp"
#include "support/text.hpp"

namespace descent::cli::testing {

// For the IDX set of idx_data_dir.hpp (48 training images of 3 x 3 pixels, 8 held out: 10 updates an
// epoch): shuffle, augment, dropout, batch norm, Adam, a per-batch schedule, early stopping on a
// validation set, float64. `[train] epochs` is left to the caller.
constexpr const char* kResumableConfig = R"([model]
input_shape = [1, 3, 3]
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "linear"
out_features = 6
[[model.layer]]
type = "batch_norm1d"
[[model.layer]]
type = "tanh"
[[model.layer]]
type = "dropout"
p = 0.2
[[model.layer]]
type = "linear"
out_features = 3
[data]
classes = 3
validation = 8
augment = {crop_padding = 1, hflip = 0.5}
[optim]
name = "adam"
lr = 0.01
[scheduler]
name = "onecyclelr"
max_lr = 0.05
[train]
batch_size = 4
seed = 5
dtype = "float64"
)";
inline constexpr int kResumableUpdatesPerEpoch = 10;

using descent::testing::read_text;

// The lines of a metrics file without their timings (seconds, samples_per_second).
inline std::vector<nlohmann::json> metrics_without_timings(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    j.erase("seconds");
    j.erase("samples_per_second");
    lines.push_back(j);
  }
  return lines;
}

// Every tensor bit for bit, and every metadata entry: checkpoints written at an epoch's end hold no timing.
inline void expect_same_checkpoint(const std::string& a_path, const std::string& b_path) {
  const data::SafetensorsFile a = data::load_safetensors(a_path), b = data::load_safetensors(b_path);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, t] : a.tensors) {
    ASSERT_TRUE(b.tensors.contains(name)) << name;
    const Tensor& u = b.tensors.at(name);
    ASSERT_EQ(u.shape(), t.shape()) << name;
    EXPECT_EQ(std::memcmp(u.raw_data(), t.raw_data(), t.numel() * itemsize(t.dtype())), 0) << name << " differs";
  }
  EXPECT_EQ(a.metadata, b.metadata);
}

}  // namespace descent::cli::testing
