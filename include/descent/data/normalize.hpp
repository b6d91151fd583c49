#pragma once
// Input scaling as torchvision's transforms write it: ToTensor's pixels / 255 is what load_idx_pair
// gives; rescale_pixels_ gives other scales (1: the raw bytes as numbers); normalize_ is
// transforms.Normalize(mean, std), with statistics computed by channel_stats over a training set and
// applied to the training and the test set alike.
#include <cstdint>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

// One mean and one population standard deviation (sqrt of the mean squared deviation, as
// torch.std(unbiased=False)) per channel.
struct ChannelStats {
  std::vector<double> mean, std;
};

// The statistics of `inputs` (N, features), each example being `channels` channels of features /
// channels consecutive values (a (C, H, W) image flattened row-major), over every example and every
// value of a channel. ValueError when features is not a multiple of channels or `inputs` is empty.
ChannelStats channel_stats(const Tensor& inputs, std::int64_t channels);

// inputs = (inputs - mean[c]) / std[c] in place for each channel c, as transforms.Normalize. The byte
// copy (pixels) is dropped, as no one scale maps it to the inputs any more. ValueError when a standard
// deviation is not positive (torchvision refuses to divide by a zero std) or the channels do not
// divide the features.
void normalize_(Dataset& data, const ChannelStats& stats);

// inputs = pixels * scale, the byte copy kept with its new scale. ValueError when `data` has no pixels.
void rescale_pixels_(Dataset& data, double scale);

}  // namespace descent::data
