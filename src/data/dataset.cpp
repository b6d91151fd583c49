#include "descent/data/dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "descent/data/idx.hpp"
#include "descent/error.hpp"
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
  Dataset out{Tensor::empty(Shape{n, features}, dtype),
              Tensor::empty(Shape{n}, Dtype::Int64),
              Tensor::empty(Shape{n, features}, Dtype::UInt8),
              1.0 / 255.0,
              {1, images.dims[1], images.dims[2]}};
  std::copy(images.data.begin(), images.data.begin() + n * features, out.pixels.data<std::uint8_t>());
  dispatch_floating(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* dst = out.inputs.data<T>();
    for (std::int64_t i = 0; i < n * features; ++i)
      dst[i] = static_cast<T>(images.data[i]) * static_cast<T>(out.pixel_scale);
  });
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
