#include "descent/train/model_inputs.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "descent/data/dataset.hpp"
#include "descent/data/idx.hpp"
#include "descent/data/image.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

// Checks that images of rows x cols pixels fit the model's input; `what` names them for the message.
void check_image_size(const TrainConfig& config, std::int64_t rows, std::int64_t cols, const std::string& what) {
  const std::vector<std::int64_t>& shape = config.model.input_shape;
  const std::string size = std::to_string(rows) + " x " + std::to_string(cols);
  if (shape.size() == 3) {
    if (shape[0] != 1)
      throw IoError(what + ": grey images of one channel: expected " + std::to_string(shape[0]) +
                    " channels, the model's input (model.input_shape = " + util::list_text(shape) +
                    "); give its values on stdin (-) instead");
    if (rows != shape[1] || cols != shape[2])
      throw IoError(what + " of " + size + " pixels: expected " + std::to_string(shape[1]) + " x " +
                    std::to_string(shape[2]) + ", the model's input (model.input_shape = " + util::list_text(shape) +
                    ")");
    return;
  }
  const std::int64_t n = config.model.input_size();
  if (rows * cols != n)
    throw IoError(what + " of " + size + " = " + std::to_string(rows * cols) + " pixels: expected " +
                  std::to_string(n) + " pixels, the model's input size (" +
                  (config.model.layers.empty() ? "model.input_shape = " + util::list_text(shape) : "model.layers[0]") +
                  ")");
}

bool starts_as_idx(std::string_view head) {
  const bool gzip =
      head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
  return gzip || (head.size() >= 3 && head[0] == 0 && head[1] == 0 && head[2] == 8);
}

ModelInputs from_idx(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                     const std::string& path) {
  const data::IdxArray images = data::read_idx(path);
  if (images.dims.size() != 3)
    throw IoError(path + ": an IDX array of dimensions " + util::list_text(images.dims) +
                  ": expected 3 dimensions (images, rows, cols)");
  check_image_size(config, images.dims[1], images.dims[2], path + ": images");
  const std::int64_t n = images.dims[0], features = images.dims[1] * images.dims[2];
  Tensor pixels = Tensor::empty(Shape{n, features}, Dtype::UInt8);
  std::copy(images.data.begin(), images.data.end(), pixels.data<std::uint8_t>());
  ModelInputs in{{}, inputs_from_pixels(config, stats, pixels)};
  for (std::int64_t i = 0; i < n; ++i) in.names.push_back(path + "[" + std::to_string(i) + "]");
  return in;
}

ModelInputs from_image(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                       const std::string& path) {
  const data::GreyImage image = data::read_grey_image(path);
  check_image_size(config, image.rows, image.cols, path + ": an image");
  Tensor pixels = Tensor::empty(Shape{1, image.rows * image.cols}, Dtype::UInt8);
  std::copy(image.pixels.begin(), image.pixels.end(), pixels.data<std::uint8_t>());
  return {{path}, inputs_from_pixels(config, stats, pixels)};
}

ModelInputs from_stream(const TrainConfig& config, std::istream& in) {
  std::vector<double> values;
  for (std::string word; in >> word;) {
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    if (*end != '\0')
      throw IoError("-: value " + std::to_string(values.size()) + " = \"" + word + "\": expected a number");
    values.push_back(v);
  }
  const std::int64_t size = config.model.input_size(), count = static_cast<std::int64_t>(values.size());
  if (count == 0 || count % size != 0)
    throw IoError("-: " + std::to_string(count) + " numbers on stdin: expected a positive multiple of " +
                  std::to_string(size) + ", the model's input size");
  const std::int64_t n = count / size;
  ModelInputs inputs{{}, from_vector(values, Shape{n, size}, config.dtype)};
  for (std::int64_t i = 0; i < n; ++i) inputs.names.push_back(n == 1 ? "-" : "-[" + std::to_string(i) + "]");
  return inputs;
}

}  // namespace

Tensor inputs_from_pixels(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                          const Tensor& pixels) {
  const std::string& how = config.data.normalize;
  if (how == "standardize" && !stats)
    throw ConfigError(config.path +
                      ": data.normalize = \"standardize\": expected the training set's statistics (input_mean, "
                      "input_std) in the checkpoint, as descent train --save writes them; it holds none");
  // As datasets.cpp: IDX bytes scaled by 1 / 255 ("unit", "standardize") or 1 ("none"); data files'
  // values as stored. rescale_pixels_ multiplies as load_idx_pair does, so the values are bit for bit
  // those of training.
  const bool data_files = !config.data.train.empty();
  data::Dataset set;
  set.set_pixels(pixels, data_files || how == "none" ? 1.0 : 1.0 / 255.0, config.dtype);
  if (how == "standardize") data::normalize_(set, *stats);
  return set.inputs();
}

ModelInputs read_model_inputs(const TrainConfig& config, const std::optional<data::ChannelStats>& stats,
                              const std::string& input, std::istream& stdin_stream) {
  if (input == "-") return from_stream(config, stdin_stream);
  if (!config.data.inputs.empty())
    throw ConfigError(input + ": an image for a model trained on the inline examples of " + config.path +
                      ": expected - (its input values on stdin)");
  std::ifstream file(input, std::ios::binary);
  if (!file || std::filesystem::is_directory(input)) throw IoError(input + ": cannot open");
  char head[8] = {};
  file.read(head, sizeof head);
  const std::string_view start(head, static_cast<std::size_t>(file.gcount()));
  if (starts_as_idx(start)) return from_idx(config, stats, input);
  if (data::is_png(start) || data::is_pgm(start)) return from_image(config, stats, input);
  throw IoError(input +
                ": neither an IDX file nor a PNG or PGM image: expected one of them (an IDX file starts with the "
                "bytes 00 00 08, or gzip's 1f 8b; a PNG image with \\x89PNG; a PGM image with P5 or P2)");
}

}  // namespace descent::train
