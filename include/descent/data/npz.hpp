#pragma once
// NumPy's .npz format: a zip archive of .npy files, one per array, named "<name>.npy" (np.savez, stored;
// np.savez_compressed, deflated: libzip reads both).
//
//   np.savez("train.npz", x=x.astype(np.float32), y=y)   ->  data::read_npz("train.npz").at("x")
#include <map>
#include <string>

#include "descent/data/npy.hpp"

namespace descent::data {

// Every array of the archive, by name without ".npy". Throws IoError naming the file (and the member,
// "train.npz: x.npy: ...") when the file is missing or not a zip archive, a member is not a .npy file
// or cannot be read, or as read_npy for each array.
std::map<std::string, NpyArray> read_npz(const std::string& path);

// The tensors as an uncompressed .npz, as np.savez writes it. IoError when it cannot be written.
void save_npz(const std::string& path, const std::map<std::string, Tensor>& arrays);

}  // namespace descent::data
