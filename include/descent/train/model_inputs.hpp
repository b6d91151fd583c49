#pragma once
// The inputs `descent predict` reads, turned into the values the model takes exactly as training turned
// its data into them (train/datasets.hpp), so a model sees the same numbers for the same picture:
//   IDX files (every image; gzip or raw) and grey PNG or PGM images (data/image.hpp): the pixels as
//     data.normalize says: "unit" pixels / 255, "none" the bytes, "standardize" pixels / 255 then
//     (x - mean) / std by the statistics the checkpoint stores; for a config that reads data files
//     ([data] train), the bytes, as such files' values are used as stored (then standardized likewise);
//   "-": whitespace-separated numbers on stdin, input_size of them per input, taken as the model's input
//     values themselves (already preprocessed), for inputs that are no image.
// An image must have the model's input size: model.input_shape [1, H, W] gives H x W; a flat input of
// n values takes any image of n pixels.
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "descent/data/normalize.hpp"
#include "descent/tensor/tensor.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

struct ModelInputs {
  std::vector<std::string> names;  // one per input: "digit.png", "t10k-images-idx3-ubyte.gz[3]", "-[0]"
  Tensor values;                   // (inputs, model.input_size()), in the config's dtype
};

// Pixels (N, features), uint8, as the model's inputs (N, features) in the config's dtype, scaled as
// above. ConfigError when normalize = "standardize" and `stats` is absent.
Tensor inputs_from_pixels(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                          const Tensor& pixels);

// One INPUT argument: a path, or "-" read from `stdin_stream`. `stats`: the checkpoint's (standardize).
// Throws IoError naming the input and what was expected: a missing or corrupt file, a file that is
// neither IDX nor PNG nor PGM, an image of another size than the model's input, numbers that are no
// numbers or not a multiple of the input size; ConfigError for images given to a model trained on
// inline examples.
ModelInputs read_model_inputs(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                              const std::string& input, std::istream& stdin_stream);

}  // namespace descent::train
