#include "descent/data/dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <optional>

#include "descent/data/idx.hpp"
#include "descent/error.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/util/join.hpp"

namespace descent::data {
namespace {

// The path of `name` + ".gz" in dir, else of `name` itself, else nothing.
std::optional<std::string> find_idx(const std::string& dir, const std::string& name) {
  for (const std::string& candidate : {name + ".gz", name}) {
    const std::filesystem::path path = std::filesystem::path(dir) / candidate;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path.string();
  }
  return std::nullopt;
}

std::string mnist_name(bool train, bool images) {
  return std::string(train ? "train" : "t10k") + (images ? "-images-idx3-ubyte" : "-labels-idx1-ubyte");
}

}  // namespace

namespace {
// Guards the making of inputs() from pixels: a Dataset may be read from several threads, and the
// rows are made once, by whichever asks first (set_inputs and set_pixels are writes, not reads).
std::mutex making_inputs;
}  // namespace

const Tensor& Dataset::inputs() const {
  if (pixels.defined()) {
    const std::lock_guard<std::mutex> lock(making_inputs);
    if (!inputs_->defined()) *inputs_ = rows_from_pixels(0, pixels.size(0));
  }
  return *inputs_;
}

bool Dataset::inputs_made() const {
  if (!pixels.defined()) return inputs_->defined();
  const std::lock_guard<std::mutex> lock(making_inputs);
  return inputs_->defined();
}

Tensor Dataset::input_rows(std::int64_t begin, std::int64_t count) const {
  if (!pixels.defined() || inputs_made()) return inputs().view_narrowed(begin, count);
  return rows_from_pixels(begin, count);
}

Tensor Dataset::rows_from_pixels(std::int64_t begin, std::int64_t count) const {
  if (begin < 0 || count < 0 || begin + count > pixels.size(0))
    throw ValueError("Dataset::input_rows: rows [" + std::to_string(begin) + ", " + std::to_string(begin + count) +
                     ") of a set of " + std::to_string(pixels.size(0)));
  std::vector<std::int64_t> rows(static_cast<std::size_t>(count));
  std::iota(rows.begin(), rows.end(), begin);
  Shape shape = pixels.shape();
  shape[0] = count;
  return kernels::gather_rows_scaled(pixels, rows.data(), count, pixel_scale, dtype_, Tensor::empty(shape, dtype_));
}

void Dataset::set_inputs(Tensor rows) {
  if (rows.defined()) dtype_ = rows.dtype();
  inputs_ = std::make_shared<Tensor>(std::move(rows));
}

void Dataset::set_pixels(Tensor bytes, double scale, Dtype dtype) {
  pixels = std::move(bytes);
  pixel_scale = scale;
  dtype_ = dtype;
  inputs_ = std::make_shared<Tensor>();
}

Shape Dataset::input_shape() const { return pixels.defined() ? pixels.shape() : inputs().shape(); }

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path, std::int64_t classes, Dtype dtype,
                      std::int64_t limit) {
  if (classes < 1) throw ValueError("load_idx_pair: classes = " + std::to_string(classes) + ": expected classes >= 1");
  if (limit < 0) throw ValueError("load_idx_pair: limit = " + std::to_string(limit) + ": expected limit >= 0");
  if (!is_floating(dtype))
    throw ValueError("load_idx_pair: dtype = " + std::string(to_string(dtype)) + ": expected float32 or float64");

  const IdxArray images = read_idx(images_path);
  if (images.dims.size() != 3)
    throw IoError(images_path + ": expected 3 dimensions (images, rows, cols), got " + util::list_text(images.dims));
  const IdxArray labels = read_idx(labels_path);
  if (labels.dims.size() != 1)
    throw IoError(labels_path + ": expected 1 dimension (labels), got " + util::list_text(labels.dims));
  if (images.dims[0] != labels.dims[0])
    throw IoError(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path + " holds " +
                  std::to_string(labels.dims[0]) + " labels: expected equal counts");
  for (std::size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] >= classes)
      throw IoError(labels_path + ": example " + std::to_string(i) + ": label " + std::to_string(labels.data[i]) +
                    " outside [0, " + std::to_string(classes) + ")");

  const std::int64_t n = limit > 0 ? std::min(limit, labels.dims[0]) : labels.dims[0];
  const std::int64_t features = images.dims[1] * images.dims[2];
  Dataset out;
  out.targets = Tensor::empty(Shape{n}, Dtype::Int64);
  out.image_shape = {1, images.dims[1], images.dims[2]};
  Tensor bytes = Tensor::empty(Shape{n, features}, Dtype::UInt8);
  std::copy(images.data.begin(), images.data.begin() + n * features, bytes.data<std::uint8_t>());
  out.set_pixels(std::move(bytes), 1.0 / 255.0, dtype);
  std::int64_t* targets = out.targets.data<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) targets[i] = labels.data[i];
  return out;
}

Dataset load_mnist(const std::string& dir, bool train, std::int64_t classes, Dtype dtype, std::int64_t limit) {
  const std::string images_name = mnist_name(train, true), labels_name = mnist_name(train, false);
  const auto images = find_idx(dir, images_name), labels = find_idx(dir, labels_name);
  if (!images || !labels) {
    const auto either = [](const std::string& name) { return name + ".gz (or " + name + ")"; };
    const std::string missing = !images && !labels ? either(images_name) + ", " + either(labels_name)
                                : !images          ? either(images_name)
                                                   : either(labels_name);
    throw IoError(dir + ": expected the MNIST files " + images_name + "[.gz] and " + labels_name + "[.gz], missing " +
                  missing);
  }
  return load_idx_pair(*images, *labels, classes, dtype, limit);
}

bool has_idx_files(const std::string& dir) {
  for (const bool train : {true, false})
    for (const bool images : {true, false})
      if (!find_idx(dir, mnist_name(train, images))) return false;
  return true;
}

}  // namespace descent::data
