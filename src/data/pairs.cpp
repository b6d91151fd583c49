#include "descent/data/pairs.hpp"

#include <cstring>
#include <map>
#include <vector>

#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/generator.hpp"

namespace descent::data {
namespace {

// Copies row `row` of a contiguous (N, F) tensor into `out` (2F wide) at column offset `column`.
void copy_row(const Tensor& from, std::int64_t row, Tensor& to, std::int64_t to_row, std::int64_t column) {
  const std::int64_t f = from.size(1);
  const std::size_t bytes = static_cast<std::size_t>(f) * itemsize(from.dtype());
  const auto* src = static_cast<const unsigned char*>(from.raw_data()) + static_cast<std::size_t>(row) * bytes;
  auto* dst = static_cast<unsigned char*>(to.raw_data()) + static_cast<std::size_t>(to_row) * 2 * bytes +
              static_cast<std::size_t>(column) * itemsize(from.dtype());
  std::memcpy(dst, src, bytes);
}

}  // namespace

Dataset make_pairs(const Dataset& source, const PairOptions& options) {
  if (options.count < 1) throw ValueError("make_pairs: count = " + std::to_string(options.count) + ": expected >= 1");
  if (!source.targets.defined() || source.targets.dtype() != Dtype::Int64 || source.targets.dim() != 1)
    throw ValueError("make_pairs: expected int64 class labels (N)");
  const Tensor inputs = source.pixels.defined() ? Tensor() : source.inputs().contiguous();
  const Tensor labels_t = source.targets.contiguous();
  const std::int64_t n = source.size();
  const std::int64_t* labels = labels_t.data<std::int64_t>();

  std::map<std::int64_t, std::vector<std::int64_t>> by_class;  // ordered: the draws do not depend on hashing
  for (std::int64_t i = 0; i < n; ++i) by_class[labels[i]].push_back(i);
  std::vector<const std::vector<std::int64_t>*> classes;
  std::map<std::int64_t, std::size_t> class_index;
  for (const auto& [label, rows] : by_class) {
    class_index[label] = classes.size();
    classes.push_back(&rows);
  }
  if (classes.size() < 2)
    throw ValueError("make_pairs: the data set has " + std::to_string(classes.size()) +
                     " class(es); dissimilar pairs need at least two");
  bool pairable = false;
  for (const auto* rows : classes) pairable = pairable || rows->size() >= 2;
  if (!pairable) throw ValueError("make_pairs: no class has two examples to make a similar pair of");

  Generator gen(options.seed);
  std::vector<std::int64_t> first(static_cast<std::size_t>(options.count)), second(first.size());
  for (std::int64_t i = 0; i < options.count; ++i) {
    const bool similar = i % 2 == 0;
    std::int64_t a = 0;
    do a = static_cast<std::int64_t>(gen.below(static_cast<std::uint64_t>(n)));
    while (similar && classes[class_index[labels[a]]]->size() < 2);  // a similar pair needs a second example
    const std::size_t ca = class_index[labels[a]];
    std::int64_t b = a;
    if (similar) {
      const auto& rows = *classes[ca];
      while (b == a) b = rows[gen.below(rows.size())];
    } else {
      std::size_t cb = gen.below(classes.size() - 1);
      if (cb >= ca) ++cb;  // any class but a's
      const auto& rows = *classes[cb];
      b = rows[gen.below(rows.size())];
    }
    first[static_cast<std::size_t>(i)] = a;
    second[static_cast<std::size_t>(i)] = b;
  }

  // A pair of byte rows stays bytes (its numbers made when asked for, as the source's); else numbers.
  const std::int64_t f = source.input_shape()[1];
  Dataset out;
  Tensor pixels, pair_pixels, pair_inputs;
  if (source.pixels.defined()) {
    pixels = source.pixels.contiguous();
    pair_pixels = Tensor::empty({options.count, 2 * f}, Dtype::UInt8);
  } else {
    pair_inputs = Tensor::empty({options.count, 2 * f}, inputs.dtype());
  }
  std::vector<double> targets(first.size());
  for (std::int64_t i = 0; i < options.count; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (pixels.defined()) {
      copy_row(pixels, first[k], pair_pixels, i, 0);
      copy_row(pixels, second[k], pair_pixels, i, f);
    } else {
      copy_row(inputs, first[k], pair_inputs, i, 0);
      copy_row(inputs, second[k], pair_inputs, i, f);
    }
    targets[k] = i % 2 == 0 ? options.similar : options.dissimilar;
  }
  out.targets = from_vector(targets, {options.count}, source.input_dtype());
  if (pixels.defined()) out.set_pixels(std::move(pair_pixels), source.pixel_scale, source.input_dtype());
  else out.set_inputs(std::move(pair_inputs));
  return out;
}

}  // namespace descent::data
