#include "descent/nn/flatten.hpp"

#include <functional>
#include <numeric>
#include <string>

#include "descent/autograd/ops/shape.hpp"
#include "layer_entry.hpp"

namespace descent::nn {

Tensor Flatten::forward(const Tensor& input) { return flatten(input, start_, end_); }

std::string Flatten::describe() const {
  return "Flatten(start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_) + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct FlattenArgs {
  static constexpr std::string_view kName = "Flatten";
  std::int64_t start_dim = 1, end_dim = -1;  // Flatten's defaults

  static std::span<const OptionField<FlattenArgs>> fields() {
    static constexpr OptionField<FlattenArgs> kFields[] = {
        field<&FlattenArgs::start_dim>("start_dim").at_least(1),
        field<&FlattenArgs::end_dim>("end_dim"),
    };
    return kFields;
  }
  void check() const {}
};

// Dimensions start_dim to end_dim (counted with the batch's) multiplied into one.
ExampleShape flatten_shape(const util::NameValuePairs& options, const ExampleShape& in) {
  const FlattenArgs a = util::options_from_text<FlattenArgs>(options);
  const auto rank = static_cast<std::int64_t>(in.size()) + 1;  // with the batch dimension
  const std::int64_t start = a.start_dim, end = a.end_dim < 0 ? a.end_dim + rank : a.end_dim;
  if (start >= rank)
    throw LayerInputError("start_dim", "start_dim < " + std::to_string(rank) + ", the input's rank with the batch");
  if (end < start || end >= rank)
    throw LayerInputError("end_dim", "a dimension from start_dim to " + std::to_string(rank - 1));
  ExampleShape out(in.begin(), in.begin() + (start - 1));
  out.push_back(std::accumulate(in.begin() + (start - 1), in.begin() + end, std::int64_t{1}, std::multiplies<>()));
  out.insert(out.end(), in.begin() + end, in.end());
  return out;
}

}  // namespace

const LayerType& flatten_layer() {
  static const LayerType type{
      .name = "flatten",
      .summary = "dimensions start_dim to end_dim (the batch's counted as 0) as one",
      .options = util::option_infos<FlattenArgs>,
      .check = util::check_options_text<FlattenArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const FlattenArgs a = util::options_from_text<FlattenArgs>(options);
        return std::make_shared<Flatten>(a.start_dim, a.end_dim);
      },
      .output_shape = flatten_shape,
  };
  return type;
}

}  // namespace descent::nn
