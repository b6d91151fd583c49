#pragma once
// [data]'s keys for data files and augmentation: train, test (.csv, .npy, .npz), train_labels and
// test_labels (.npy), label_column (.csv), and the augment table (DataConfig in train/config.hpp).
#include "config_section.hpp"
#include "descent/train/config.hpp"

namespace descent::train::config_reader {

// A file key's path as a non-empty string, relative ones taken from the directory of the config file
// `s.path()`; empty when the key is absent. ConfigError naming the key and `expected` otherwise.
std::string read_path(const Section& s, std::string_view key, std::string_view expected);

// Reads those keys into `d` after the rest of [data] (inline inputs exclude files), resolving relative
// paths against the directory of the config file `s.path()`. Checks: a string path with a known
// extension, train and test together, train_labels/test_labels exactly with .npy, label_column only
// with .csv, every augment key in range.
void read_data_files(const Section& s, DataConfig& d);

}  // namespace descent::train::config_reader
