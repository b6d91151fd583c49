#pragma once
// A small IDX data set written into a directory, as MNIST's four files: 48 training and 16 test images
// of 3 x 3 pixels in 3 classes. `salt` changes the pixels: two salts are two different data sets
// under the same file names, as MNIST and Fashion-MNIST are.
#include <cstdint>
#include <filesystem>
#include <string>

#include "data/idx_files.hpp"

namespace descent::cli::testing {

inline void write_idx_data_set(const std::string& dir, int salt) {
  using data::testing::Bytes;
  using data::testing::idx_bytes;
  std::filesystem::create_directories(dir);
  auto images = [salt](std::uint32_t n, int part) {
    Bytes b;
    for (std::uint32_t i = 0; i < n * 9; ++i)
      b.push_back(static_cast<std::uint8_t>((i * 37 + part * 11 + salt * 53) % 251));
    return idx_bytes({n, 3, 3}, b);
  };
  auto labels = [](std::uint32_t n) {
    Bytes b;
    for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i % 3));
    return idx_bytes({n}, b);
  };
  const std::filesystem::path d(dir);
  data::testing::write_gz((d / "train-images-idx3-ubyte.gz").string(), images(48, 1));
  data::testing::write_gz((d / "train-labels-idx1-ubyte.gz").string(), labels(48));
  data::testing::write_gz((d / "t10k-images-idx3-ubyte.gz").string(), images(16, 2));
  data::testing::write_gz((d / "t10k-labels-idx1-ubyte.gz").string(), labels(16));
}

}  // namespace descent::cli::testing
