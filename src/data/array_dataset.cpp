#include "descent/data/array_dataset.hpp"

#include <algorithm>

#include "descent/data/npz.hpp"
#include "descent/error.hpp"
#include "descent/util/join.hpp"

namespace descent::data {
namespace {

std::string described(const NpyArray& a) { return "shape " + util::tuple_text(a.shape) + " dtype '" + a.descr + "'"; }

}  // namespace

Dataset dataset_from_arrays(const NpyArray& x, const NpyArray& y, const std::string& x_name, const std::string& y_name,
                            const ArrayDatasetOptions& options) {
  if (options.classes < 1) throw ValueError("dataset_from_arrays: classes = " + std::to_string(options.classes));
  if (options.limit < 0) throw ValueError("dataset_from_arrays: limit = " + std::to_string(options.limit));
  if (!is_floating(options.dtype))
    throw ValueError("dataset_from_arrays: dtype = " + std::string(to_string(options.dtype)) +
                     ": expected float32 or float64");
  if (x.shape.size() < 2 || x.shape.size() > 4)
    throw IoError(x_name + ": " + described(x) +
                  ": expected inputs (N, features), or images (N, H, W) or (N, C, H, W)");
  if (x.kind == 'b') throw IoError(x_name + ": " + described(x) + ": expected numbers, not booleans");
  if (y.shape.empty() || y.shape.size() > 2)
    throw IoError(y_name + ": " + described(y) +
                  ": expected class labels (N,) or targets (N, k), one row per example of " + x_name);
  if (x.shape[0] != y.shape[0])
    throw IoError(x_name + " holds " + std::to_string(x.shape[0]) + " examples (" + described(x) + ") but " + y_name +
                  " holds " + std::to_string(y.shape[0]) + " (" + described(y) + "): expected equal counts");
  const std::int64_t n = options.limit > 0 ? std::min(options.limit, x.shape[0]) : x.shape[0];
  if (n == 0) throw IoError(x_name + ": " + described(x) + ": expected at least one example");

  Dataset out;
  std::int64_t features = 1;
  for (std::size_t i = 1; i < x.shape.size(); ++i) features *= x.shape[i];
  if (features == 0) throw IoError(x_name + ": " + described(x) + ": expected at least one feature");
  const auto first_rows = [n](const Tensor& t) { return t.size(0) == n ? t : t.slice(0, n).clone(); };
  out.set_inputs(first_rows(npy_to_tensor(x, Shape{x.shape[0], features}, options.dtype)));
  if (x.shape.size() == 3) out.image_shape = {1, x.shape[1], x.shape[2]};
  if (x.shape.size() == 4) out.image_shape = {x.shape[1], x.shape[2], x.shape[3]};

  const std::int64_t k = y.shape.size() == 2 ? y.shape[1] : 1;
  if (y.is_integer()) {
    if (k != 1)
      throw IoError(y_name + ": " + described(y) + ": expected integer class labels of shape (N,), one per example");
    out.targets = first_rows(npy_to_tensor(y, Shape{y.shape[0]}, Dtype::Int64));
    const std::int64_t* labels = out.targets.data<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i)
      if (labels[i] < 0 || labels[i] >= options.classes)
        throw IoError(y_name + ": element " + std::to_string(i) + ": label " + std::to_string(labels[i]) +
                      ": expected a class label in [0, " + std::to_string(options.classes) + ")");
  } else {
    out.targets = first_rows(npy_to_tensor(y, Shape{y.shape[0], k}, options.dtype));
  }
  return out;
}

Dataset load_npy_dataset(const std::string& x_path, const std::string& y_path, const ArrayDatasetOptions& options) {
  return dataset_from_arrays(read_npy(x_path), read_npy(y_path), x_path, y_path, options);
}

Dataset load_npz_dataset(const std::string& path, const ArrayDatasetOptions& options) {
  const std::map<std::string, NpyArray> arrays = read_npz(path);
  for (const char* name : {"x", "y"})
    if (!arrays.contains(name)) {
      std::vector<std::string> names;
      for (const auto& [held, array] : arrays) names.push_back(held);
      throw IoError(path + ": no array named " + name + " (the archive holds " +
                    (names.empty() ? std::string("none") : util::join(names)) +
                    "): expected arrays x and y, as np.savez(path, x=inputs, y=labels) writes them");
    }
  return dataset_from_arrays(arrays.at("x"), arrays.at("y"), path + ": x.npy", path + ": y.npy", options);
}

}  // namespace descent::data
