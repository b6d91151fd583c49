#pragma once
// fault_data::write: a copy of an IDX data set (MNIST, Fashion-MNIST) with a fault planted in its labels or order,
// for the data faults of the diagnosis suite (README.md):
//   fault_data KIND SOURCE_DIR DEST_DIR
// KIND: shuffled_labels   the training labels permuted at random: they carry nothing the images predict
//       shifted_test      each test label y replaced by (y + 1) mod 10: another mapping than training's
//       sorted            the training set sorted by label (stable), for a run with data.shuffle = false
//       imbalanced        classes 0 and 1 kept whole, 3% of each other class kept
// The first 12,000 training examples are used; the test set is copied whole. Files are written
// uncompressed, as descent reads both forms.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "descent/data/idx.hpp"
#include "descent/error.hpp"

namespace fault_data {

using descent::data::IdxArray;
using descent::data::read_idx;

inline std::string find(const std::string& dir, const std::string& name) {
  const std::string plain = dir + "/" + name;
  return std::filesystem::exists(plain + ".gz") ? plain + ".gz" : plain;
}

inline void write_idx(const std::string& path, const IdxArray& a) {
  std::ofstream out(path, std::ios::binary);
  const unsigned char magic[4] = {0, 0, 0x08, static_cast<unsigned char>(a.dims.size())};
  out.write(reinterpret_cast<const char*>(magic), 4);
  for (std::int64_t d : a.dims) {
    const auto u = static_cast<std::uint32_t>(d);
    const unsigned char be[4] = {static_cast<unsigned char>(u >> 24), static_cast<unsigned char>(u >> 16),
                                 static_cast<unsigned char>(u >> 8), static_cast<unsigned char>(u)};
    out.write(reinterpret_cast<const char*>(be), 4);
  }
  out.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size()));
  if (!out) throw descent::IoError(path + ": cannot write");
}

// Keeps the examples at `rows`, in that order.
inline void select(IdxArray& images, IdxArray& labels, const std::vector<std::size_t>& rows) {
  const std::size_t pixels = static_cast<std::size_t>(images.dims[1] * images.dims[2]);
  IdxArray im{{}, images.dims}, lb{{}, labels.dims};
  for (std::size_t r : rows) {
    im.data.insert(im.data.end(), images.data.begin() + static_cast<std::ptrdiff_t>(r * pixels),
                   images.data.begin() + static_cast<std::ptrdiff_t>((r + 1) * pixels));
    lb.data.push_back(labels.data[r]);
  }
  im.dims[0] = lb.dims[0] = static_cast<std::int64_t>(rows.size());
  images = std::move(im);
  labels = std::move(lb);
}

// Writes the data set of `kind` (the kinds above) from the IDX files in `source` to `dest`. Throws
// descent::IoError for unreadable input or an unwritable destination, ValueError for an unknown kind.
inline void write(const std::string& kind, const std::string& source, const std::string& dest) {
  IdxArray train_images = read_idx(find(source, "train-images-idx3-ubyte"));
  IdxArray train_labels = read_idx(find(source, "train-labels-idx1-ubyte"));
  IdxArray test_images = read_idx(find(source, "t10k-images-idx3-ubyte"));
  IdxArray test_labels = read_idx(find(source, "t10k-labels-idx1-ubyte"));
  std::vector<std::size_t> rows(std::min<std::size_t>(12000, train_labels.data.size()));
  std::iota(rows.begin(), rows.end(), 0);
  std::mt19937 gen(1);
  if (kind == "sorted") {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return train_labels.data[a] < train_labels.data[b]; });
  } else if (kind == "imbalanced") {
    std::vector<std::size_t> kept;
    std::vector<int> seen(256, 0);
    for (std::size_t r : rows) {
      const int y = train_labels.data[r];
      if (y <= 1 || seen[y]++ % 33 == 0) kept.push_back(r);
    }
    rows = kept;
  } else if (kind != "shuffled_labels" && kind != "shifted_test") {
    throw descent::ValueError("fault_data: unknown kind " + kind +
                              ": expected shuffled_labels, shifted_test, sorted or imbalanced");
  }
  select(train_images, train_labels, rows);
  if (kind == "shuffled_labels") std::shuffle(train_labels.data.begin(), train_labels.data.end(), gen);
  if (kind == "shifted_test")
    for (auto& y : test_labels.data) y = static_cast<std::uint8_t>((y + 1) % 10);
  std::filesystem::create_directories(dest);
  write_idx(dest + "/train-images-idx3-ubyte", train_images);
  write_idx(dest + "/train-labels-idx1-ubyte", train_labels);
  write_idx(dest + "/t10k-images-idx3-ubyte", test_images);
  write_idx(dest + "/t10k-labels-idx1-ubyte", test_labels);
}

}  // namespace fault_data
