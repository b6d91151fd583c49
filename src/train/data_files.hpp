#pragma once
// The training and test sets of [data] train and test, files read by their extension (.csv, .npy with
// train_labels / test_labels, .npz), and the image shape augmentation works on. Private to datasets.cpp.
#include "descent/data/dataset.hpp"
#include "descent/train/config.hpp"
#include "descent/train/datasets.hpp"

namespace descent::train {

// Fills d.train and d.test (limits, classes and dtype as the config says) and d.classification: integer
// labels make a classifier's sets; float targets a regression's, for a loss that takes values, as inline
// data. ConfigError naming the key and file when the two sets or the loss do not fit; IoError from the
// readers for what a file holds.
void load_data_files(const TrainConfig& config, TrainData& d);

// The (C, H, W) that data.augment transforms: model.input_shape when it has three sizes, else the
// file's images (IDX, .npy/.npz of 3 or 4 dimensions). ConfigError when there are no images.
void set_image_shape(const TrainConfig& config, data::Dataset& train);

}  // namespace descent::train
