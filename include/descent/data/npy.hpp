#pragma once
// NumPy's .npy format (numpy.lib.format): the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or
// 3.0), the header length (2 bytes little-endian in 1.0, 4 bytes after), a header that is a Python
// dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }, then the elements.
// Read: booleans, signed and unsigned integers of 1, 2, 4 and 8 bytes, floats of 4 and 8 bytes, either
// byte order (big-endian elements are swapped on reading); C order only. Written: the dtypes of
// descent's tensors, as version 1.0, which every NumPy reads.
//
//   np.save("x.npy", x.astype(np.float32))      ->  data::read_npy("x.npy").shape == {N, 784}
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "descent/tensor/tensor.hpp"

namespace descent::data {

struct NpyArray {
  std::string descr;                // the dtype as the header writes it: "<f4", "|u1", ">i8"
  char kind = 'f';                  // 'f' float, 'i' signed integer, 'u' unsigned integer, 'b' bool
  int item_size = 4;                // bytes per element
  std::vector<std::int64_t> shape;  // C order (row-major); () for a scalar
  std::vector<std::uint8_t> data;   // numel() * item_size bytes, little-endian

  std::int64_t numel() const;
  bool is_integer() const { return kind != 'f'; }  // integers and booleans: class labels
};

// Throws IoError naming the file, the byte offset and what was expected: a missing or short file, a
// wrong magic or version, a header that is not the dict above, fortran_order = True (save a C-order
// array: np.ascontiguousarray), an unsupported dtype (float16, complex, strings, objects, records), or
// a data size that disagrees with the shape.
NpyArray read_npy(const std::string& path);
// The same from the bytes of a whole .npy file; `name` stands for the file in messages
// ("data.npz: x.npy").
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& name);

// The elements as a contiguous tensor of `shape` (numel equal to the array's) in `dtype`: float32 or
// float64 from any array (integers converted as numbers), int64 from integer arrays only. ValueError
// otherwise.
Tensor npy_to_tensor(const NpyArray& array, const Shape& shape, Dtype dtype);

// A tensor as the bytes of a .npy file (version 1.0, C order; '<f4', '<f8', '<i8' or '|u1'), and
// written to `path` (IoError when it cannot be written).
std::vector<std::uint8_t> npy_bytes(const Tensor& tensor);
void save_npy(const std::string& path, const Tensor& tensor);

}  // namespace descent::data
