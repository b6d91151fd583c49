// Data sets from NumPy arrays x and y: features or images (N, H, W), (N, C, H, W), flattened with
// their image shape kept; integer labels checked against classes; float targets for regression; limit.
// Then each bad pair, the message naming the arrays and their shapes.
#include "descent/data/array_dataset.hpp"

#include <gtest/gtest.h>

#include "data/idx_files.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::data {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::TempDir;

NpyArray array_of(const Tensor& t) {
  TempDir dir;
  save_npy(dir.file("a.npy"), t);
  return read_npy(dir.file("a.npy"));
}

Tensor iota(const Shape& shape, Dtype dtype = Dtype::Float32) {
  std::vector<double> v(static_cast<std::size_t>(numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return from_vector(v, shape, dtype);
}

Tensor labels(std::vector<std::int64_t> v) {
  const auto n = static_cast<std::int64_t>(v.size());
  return from_vector(v, Shape{n});
}

TEST(ArrayDataset, FeaturesAndImagesWithLabels) {
  const Dataset features = dataset_from_arrays(array_of(iota({3, 2})), array_of(labels({2, 0, 1})), "x", "y", {});
  EXPECT_EQ(features.inputs().to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(features.targets.dtype(), Dtype::Int64);
  EXPECT_EQ(features.targets.to_vector(), (std::vector<double>{2, 0, 1}));
  EXPECT_TRUE(features.image_shape.empty());

  const Dataset gray = dataset_from_arrays(array_of(iota({2, 3, 4}, Dtype::Float64)), array_of(labels({1, 1})), "x",
                                           "y", {.dtype = Dtype::Float64});
  EXPECT_EQ(gray.inputs().shape(), (Shape{2, 12}));
  EXPECT_EQ(gray.image_shape, (std::vector<std::int64_t>{1, 3, 4}));
  const Dataset color =
      dataset_from_arrays(array_of(iota({3, 2, 2, 2})), array_of(labels({0, 1, 2})), "x", "y", {.limit = 2});
  EXPECT_EQ(color.inputs().shape(), (Shape{2, 8}));
  EXPECT_EQ(color.inputs().to_vector()[15], 15);
  EXPECT_EQ(color.targets.to_vector(), (std::vector<double>{0, 1}));
  EXPECT_EQ(color.image_shape, (std::vector<std::int64_t>{2, 2, 2}));
}

TEST(ArrayDataset, FloatTargetsForRegression) {
  const Dataset one = dataset_from_arrays(array_of(iota({2, 2})), array_of(iota({2}, Dtype::Float64)), "x", "y", {});
  EXPECT_EQ(one.targets.dtype(), Dtype::Float32);
  EXPECT_EQ(one.targets.shape(), (Shape{2, 1}));
  const Dataset three = dataset_from_arrays(array_of(iota({2, 2})), array_of(iota({2, 3})), "x", "y", {});
  EXPECT_EQ(three.targets.shape(), (Shape{2, 3}));
  EXPECT_EQ(three.targets.to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
}

TEST(ArrayDataset, BadArraysNameTheArraysAndShapes) {
  const NpyArray x = array_of(iota({3, 2})), y = array_of(labels({0, 1, 2}));
  auto error = [](const NpyArray& a, const NpyArray& b, const ArrayDatasetOptions& o = {}) {
    return error_message<IoError>([&] { dataset_from_arrays(a, b, "x.npy", "y.npy", o); });
  };
  expect_contains(error(array_of(iota({3})), y), {"x.npy", "shape (3,) dtype '<f4'", "(N, features)"});
  expect_contains(error(array_of(iota({1, 1, 1, 1, 1})), array_of(labels({0}))), {"x.npy", "(1, 1, 1, 1, 1)"});
  expect_contains(error(x, array_of(labels({0, 1}))),
                  {"x.npy holds 3 examples", "y.npy holds 2", "shape (2,) dtype '<i8'", "equal counts"});
  expect_contains(error(x, array_of(from_vector(std::vector<std::int64_t>{0, 1, 2, 0, 1, 2}, Shape{3, 2}))),
                  {"y.npy", "shape (3, 2)", "integer class labels of shape (N,)"});
  expect_contains(error(x, array_of(iota({3, 1, 1}))), {"y.npy", "(3, 1, 1)", "class labels (N,) or targets (N, k)"});
  expect_contains(error(x, array_of(labels({0, 5, 1})), {.classes = 5}), {"y.npy: element 1: label 5", "[0, 5)"});
  expect_contains(error(array_of(iota({0, 2})), array_of(iota({0}))), {"x.npy", "at least one example"});
  expect_contains(error(array_of(iota({3, 0})), y), {"x.npy", "at least one feature"});
}

}  // namespace
}  // namespace descent::data
