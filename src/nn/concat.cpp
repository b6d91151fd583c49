#include <string>

#include "descent/autograd/ops/shape.hpp"
#include "descent/nn/merge.hpp"
#include "descent/util/split.hpp"
#include "layer_entry.hpp"

namespace descent::nn {

Tensor Concat::merge(const std::vector<Tensor>& inputs) { return cat(inputs, dim_); }

std::string Concat::describe() const {
  return "Concat(dim=" + std::to_string(dim_) + ", inputs=" + python_names(names_) + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct ConcatArgs {
  static constexpr std::string_view kName = "Concat";
  std::string inputs;    // the names, comma-separated, as the config reader writes the array
  std::int64_t dim = 1;  // torch.cat's dim, with the batch's counted: 1 is the channels

  static std::span<const OptionField<ConcatArgs>> fields() {
    static constexpr OptionField<ConcatArgs> kFields[] = {
        field<&ConcatArgs::inputs>("inputs"),  // required in a config: with_merge_inputs
        field<&ConcatArgs::dim>("dim").at_least(1),
    };
    return kFields;
  }
  void check() const { entry::check_merge_inputs(kName, inputs); }
};

ExampleShape concat_shape(const util::NameValuePairs& options, const std::vector<ExampleShape>& shapes) {
  const ConcatArgs a = util::options_from_text<ConcatArgs>(options);
  const ExampleShape& first = shapes.front();
  const auto rank = static_cast<std::int64_t>(first.size()) + 1;  // with the batch dimension
  if (a.dim >= rank)
    throw LayerInputError("dim", "dim < " + std::to_string(rank) + ", the input's rank with the batch");
  const auto d = static_cast<std::size_t>(a.dim - 1);
  ExampleShape out = first;
  out[d] = 0;
  for (const ExampleShape& s : shapes) {
    bool fits = s.size() == first.size();
    for (std::size_t i = 0; fits && i < s.size(); ++i) fits = i == d || s[i] == first[i];
    if (!fits)
      throw LayerInputError("inputs", "outputs that differ only in dimension " + std::to_string(a.dim) +
                                          " to join, got " + entry::merge_shapes_text(a.inputs, shapes));
    out[d] += s[d];
  }
  return out;
}

}  // namespace

const LayerType& concat_layer() {
  static const LayerType type{
      .name = "concat",
      .summary = "the previous output and the earlier outputs `inputs` names, joined along dim (torch.cat)",
      .options = [] { return entry::with_merge_inputs(util::option_infos<ConcatArgs>()); },
      .check = util::check_options_text<ConcatArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const ConcatArgs a = util::options_from_text<ConcatArgs>(options);
        return std::make_shared<Concat>(a.dim, util::split(a.inputs, ','));
      },
      .output_shape = entry::same_shape,
      .merge_shape = concat_shape,
  };
  return type;
}

}  // namespace descent::nn
