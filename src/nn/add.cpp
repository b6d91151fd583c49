#include <string>

#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/nn/merge.hpp"
#include "descent/util/split.hpp"
#include "layer_entry.hpp"

namespace descent::nn {

Tensor Add::merge(const std::vector<Tensor>& inputs) {
  Tensor sum = inputs.at(0);
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    if (inputs[i].shape() != sum.shape())
      throw ShapeError("Add: outputs of shapes " + to_string(sum.shape()) + " and " + to_string(inputs[i].shape()) +
                       ": add takes outputs of one shape");
    sum = add(sum, inputs[i]);
  }
  return sum;
}

std::string Add::describe() const { return "Add(inputs=" + python_names(names_) + ")"; }

std::string python_names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out.append(i ? ", '" : "'").append(names[i]).append("'");
  return out + "]";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct AddArgs {
  static constexpr std::string_view kName = "Add";
  std::string inputs;  // the names, comma-separated, as the config reader writes the array

  static std::span<const OptionField<AddArgs>> fields() {
    static constexpr OptionField<AddArgs> kFields[] = {
        field<&AddArgs::inputs>("inputs"),  // required in a config: with_merge_inputs
    };
    return kFields;
  }
  void check() const { entry::check_merge_inputs(kName, inputs); }
};

ExampleShape add_shape(const util::NameValuePairs& options, const std::vector<ExampleShape>& shapes) {
  const AddArgs a = util::options_from_text<AddArgs>(options);
  for (const ExampleShape& s : shapes)
    if (s != shapes.front())
      throw LayerInputError("inputs", "outputs of one shape to add, got " + entry::merge_shapes_text(a.inputs, shapes));
  return shapes.front();
}

}  // namespace

const LayerType& add_layer() {
  static const LayerType type{
      .name = "add",
      .summary = "the previous output plus the earlier outputs `inputs` names (a residual connection)",
      .options = [] { return entry::with_merge_inputs(util::option_infos<AddArgs>()); },
      .check = util::check_options_text<AddArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<Add>(util::split(util::options_from_text<AddArgs>(options).inputs, ','));
      },
      .output_shape = entry::same_shape,
      .merge_shape = add_shape,
  };
  return type;
}

}  // namespace descent::nn
