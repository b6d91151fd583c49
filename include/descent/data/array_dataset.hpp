#pragma once
// A labelled data set from NumPy arrays: inputs x and labels or targets y, from two .npy files
// (np.save("x.npy", x); np.save("y.npy", y)) or one .npz archive holding arrays named x and y
// (np.savez("train.npz", x=x, y=y)), as a PyTorch user keeps a TensorDataset(x, y).
//   x: (N, features), or images (N, H, W) or (N, C, H, W), flattened to (N, features) with image_shape
//      set; any number dtype, converted to the dataset's float dtype, values as stored (no scaling).
//   y: integer class labels (N,) (or (N, 1)) in [0, classes), as int64 targets; or float targets
//      (N,) or (N, k) for regression, as (N, 1) or (N, k) in the float dtype.
#include <cstdint>
#include <string>

#include "descent/data/dataset.hpp"
#include "descent/data/npy.hpp"

namespace descent::data {

struct ArrayDatasetOptions {
  std::int64_t classes = 10;  // integer labels must lie in [0, classes)
  Dtype dtype = Dtype::Float32;
  std::int64_t limit = 0;  // > 0: the first `limit` examples only
};

// `x_name` and `y_name` stand for the arrays in messages ("x.npy", "train.npz: y.npy"). Throws IoError
// naming them: shapes of the wrong rank, different counts of examples, a label out of range (with its
// index), a bool or empty array.
Dataset dataset_from_arrays(const NpyArray& x, const NpyArray& y, const std::string& x_name, const std::string& y_name,
                            const ArrayDatasetOptions& options);

// x and y from two .npy files.
Dataset load_npy_dataset(const std::string& x_path, const std::string& y_path, const ArrayDatasetOptions& options);
// x and y from the arrays of that name in a .npz archive; IoError listing its arrays when one is missing.
Dataset load_npz_dataset(const std::string& path, const ArrayDatasetOptions& options);

}  // namespace descent::data
