#pragma once
// An in-memory labelled data set, and loaders for IDX image/label pairs (MNIST, Fashion-MNIST).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::data {

struct Dataset {
  Tensor targets;  // (N), int64 class labels (or (N, outputs) regression targets)
  // The examples as raw bytes when they came from bytes (IDX files, images), inputs() = pixels *
  // pixel_scale: batches of shuffled rows are gathered from here, reading a quarter of the memory that
  // float rows would take, and the float rows are made only when something needs them all at once.
  Tensor pixels;  // (N, features), uint8, or undefined
  double pixel_scale = 1.0;
  // (C, H, W) of one example when the file stores images (IDX: (1, rows, cols); .npy (N, H, W) or
  // (N, C, H, W)), for augmentation; empty for feature vectors (CSV, (N, features) arrays).
  std::vector<std::int64_t> image_shape = {};

  // (N, features), floating: the examples as the model takes them. For a set with pixels, made from
  // them on first use (bit for bit as the loader's batches: byte * scale in the dtype) and then kept,
  // shared by the copies of this Dataset. A training run that only draws batches and evaluates by
  // rows() never makes them: MNIST's 60,000 images stay 47 MB of bytes, not 188 MB of float32 besides.
  const Tensor& inputs() const;
  // Rows [begin, begin + count) of inputs(), made from the bytes alone when inputs() was not made yet.
  Tensor input_rows(std::int64_t begin, std::int64_t count) const;
  // The examples as numbers: any pixels must already agree with them (or be reset by the caller).
  void set_inputs(Tensor rows);
  // The examples as bytes, their scale and the dtype of inputs(); forgets inputs() made before.
  void set_pixels(Tensor bytes, double scale, Dtype dtype);
  Dtype input_dtype() const { return dtype_; }
  // inputs()'s shape, without making them.
  Shape input_shape() const;
  // Whether inputs() are held as numbers (for a set with pixels: made already, and kept).
  bool inputs_made() const;
  std::int64_t size() const { return targets.defined() ? targets.size(0) : 0; }

 private:
  // Rows [begin, begin + count) of pixels * pixel_scale, in the dtype.
  Tensor rows_from_pixels(std::int64_t begin, std::int64_t count) const;

  Dtype dtype_ = Dtype::Float32;
  std::shared_ptr<Tensor> inputs_ = std::make_shared<Tensor>();
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
