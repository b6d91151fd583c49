#pragma once
// An in-memory labelled data set, and loaders for IDX image/label pairs (MNIST, Fashion-MNIST).
#include <cstdint>
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::data {

struct Dataset {
  Tensor inputs;   // (N, features), floating
  Tensor targets;  // (N), int64 class labels
  // The same examples as raw bytes, inputs = pixels * pixel_scale, when they came from bytes: batches of
  // shuffled rows are gathered from here, reading a quarter of the memory that float rows would take.
  Tensor pixels;  // (N, features), uint8, or undefined
  double pixel_scale = 1.0;
  // (C, H, W) of one example when the file stores images (IDX: (1, rows, cols); .npy (N, H, W) or
  // (N, C, H, W)), for augmentation; empty for feature vectors (CSV, (N, features) arrays).
  std::vector<std::int64_t> image_shape = {};
  std::int64_t size() const { return targets.defined() ? targets.size(0) : 0; }
};

// Images from a 3-d IDX file (N, rows, cols) as (N, rows*cols) in `dtype`, pixels scaled to [0, 1];
// labels from a 1-d IDX file (N), each checked against [0, classes). limit > 0 keeps the first `limit`
// examples. Throws IoError naming the file(s) on mismatched counts, wrong dimensions or bad labels.
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, std::int64_t classes, Dtype dtype,
                      std::int64_t limit = 0);

// MNIST's file names, shared by Fashion-MNIST: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] in `dir`.
// Throws IoError naming the directory and the names it looked for when a file is missing.
Dataset load_mnist(const std::string& dir, bool train, std::int64_t classes, Dtype dtype, std::int64_t limit = 0);

// True when `dir` holds all four MNIST files, compressed or not.
bool has_idx_files(const std::string& dir);

}  // namespace descent::data
