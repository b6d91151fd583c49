#include "descent/data/normalize.hpp"

#include <cmath>
#include <string>

#include "descent/error.hpp"
#include "descent/util/number_text.hpp"

namespace descent::data {
namespace {

// Values per channel of one example; ValueError unless `channels` divides the features.
std::int64_t channel_size(const Tensor& inputs, std::int64_t channels, const char* caller) {
  if (inputs.dim() != 2 || channels < 1 || inputs.size(1) % channels != 0)
    throw ValueError(std::string(caller) + ": inputs of shape " + to_string(inputs.shape()) + " and " +
                     std::to_string(channels) + " channels: expected (N, features), features a multiple of channels");
  return inputs.size(1) / channels;
}

}  // namespace

ChannelStats channel_stats(const Tensor& inputs, std::int64_t channels) {
  const std::int64_t per = channel_size(inputs, channels, "channel_stats");
  const std::int64_t n = inputs.size(0);
  if (n == 0) throw ValueError("channel_stats: expected at least one example, got none");
  const Tensor x = inputs.contiguous();
  ChannelStats stats{std::vector<double>(channels, 0.0), std::vector<double>(channels, 0.0)};
  // Two passes, in double: the mean, then the mean squared deviation from it (no cancellation).
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = x.data<T>();
    const double count = static_cast<double>(n * per);
    for (std::int64_t c = 0; c < channels; ++c) {
      double sum = 0;
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t k = 0; k < per; ++k) sum += static_cast<double>(v[(i * channels + c) * per + k]);
      const double mean = sum / count;
      double squares = 0;
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t k = 0; k < per; ++k) {
          const double d = static_cast<double>(v[(i * channels + c) * per + k]) - mean;
          squares += d * d;
        }
      stats.mean[c] = mean;
      stats.std[c] = std::sqrt(squares / count);
    }
  });
  return stats;
}

void normalize_(Dataset& data, const ChannelStats& stats) {
  const std::int64_t channels = static_cast<std::int64_t>(stats.mean.size());
  const std::int64_t per = channel_size(data.inputs(), channels, "normalize_");
  if (stats.std.size() != stats.mean.size())
    throw ValueError("normalize_: " + std::to_string(stats.mean.size()) + " means and " +
                     std::to_string(stats.std.size()) + " standard deviations: expected one of each per channel");
  for (std::int64_t c = 0; c < channels; ++c)
    if (!(stats.std[c] > 0))
      throw ValueError("normalize_: channel " + std::to_string(c) + " has standard deviation " +
                       util::format_number(stats.std[c]) + ": expected std > 0 (every value of the channel is " +
                       util::format_number(stats.mean[c]) + ")");
  // A copy: the rows made from pixels may be shared with other copies of this Dataset.
  Tensor rows = data.inputs().clone();
  dispatch_floating(rows.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* v = rows.data<T>();
    for (std::int64_t i = 0; i < rows.size(0); ++i)
      for (std::int64_t c = 0; c < channels; ++c) {
        const double mean = stats.mean[c], inv = 1.0 / stats.std[c];
        T* row = v + (i * channels + c) * per;
        for (std::int64_t k = 0; k < per; ++k) row[k] = static_cast<T>((static_cast<double>(row[k]) - mean) * inv);
      }
  });
  data.pixels = Tensor();
  data.pixel_scale = 1.0;
  data.set_inputs(std::move(rows));
}

void rescale_pixels_(Dataset& data, double scale) {
  if (!data.pixels.defined())
    throw ValueError("rescale_pixels_: expected a data set read from bytes, it has no pixels");
  // The rows are made again from the bytes at the new scale when next asked for.
  data.set_pixels(data.pixels.contiguous(), scale, data.input_dtype());
}

}  // namespace descent::data
