#pragma once
// What the LossType entries share: a loss's options struct described once, as a table of its fields
// with the values each allows, from which the entry's option list, the parsing of the config's text
// and the range checks all come; and the adapters from the config's (output, targets) to a loss.
//   struct HuberOptions {
//     std::string reduction = "mean";
//     double delta = 1.0;
//     static const auto& fields() {  // a static table: lookups keep pointers into it
//       static const std::array table{reduction_field<HuberOptions>(),
//                                     LossField<HuberOptions>{field<&HuberOptions::delta>("delta"), "delta > 0",
//                                                             [](const HuberOptions& o) { return o.delta > 0; }}};
//       return table;
//     }
//   };
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/error.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/nn/reduction.hpp"
#include "descent/nn/siamese.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/util/join.hpp"
#include "descent/util/option_field.hpp"

namespace descent::nn {

template <class O>
struct LossField {
  util::OptionField<O> field;
  std::string_view allowed;          // what `ok` accepts, as messages say it: "delta > 0"
  bool (*ok)(const O& o) = nullptr;  // null: any value of the field's kind
};

// reduction = "mean" | "sum": what a training run can step on (none would give no single number).
template <class O>
LossField<O> reduction_field() {
  return {util::field<&O::reduction>("reduction"), "one of mean, sum",
          [](const O& o) { return o.reduction == "mean" || o.reduction == "sum"; }};
}

// The options struct of the losses that take a reduction alone.
struct ReductionOptions {
  std::string reduction = "mean";
  static const auto& fields() {
    static const std::array table{reduction_field<ReductionOptions>()};
    return table;
  }
};

template <class O>
std::vector<LossOption> loss_options() {
  const O defaults{};
  std::vector<LossOption> out;
  for (const LossField<O>& f : O::fields())
    out.push_back({std::string(f.field.name), f.field.kind, f.field.format(defaults), std::string(f.allowed)});
  return out;
}

// O from the options' text over its defaults, each value checked: a ValueError for an unknown or
// repeated option (listing the loss's), an OptionError "loss: key = value: expected ..." for a value
// not of its kind or out of range.
template <class O>
O loss_options_from_text(std::string_view loss, const util::NameValuePairs& pairs) {
  O o{};
  std::vector<std::string> seen, known;
  for (const LossField<O>& f : O::fields()) known.emplace_back(f.field.name);
  for (const auto& [name, text] : pairs) {
    const LossField<O>* field = nullptr;
    for (const LossField<O>& f : O::fields())
      if (f.field.name == name) field = &f;
    const bool repeated = std::find(seen.begin(), seen.end(), name) != seen.end();
    if (!field || repeated)
      throw ValueError(std::string(loss) + ": " + (repeated ? "option given twice: " : "unknown option ") + name +
                       " (" + std::string(loss) + " takes " + util::join(known) + ")");
    seen.push_back(name);
    if (!field->field.parse(o, text)) util::reject_option(loss, name, text, util::describe(field->field.kind));
    if (field->ok && !field->ok(o)) util::reject_option(loss, name, text, field->allowed);
  }
  return o;
}

// A loss of (output, target) given the config's targets: int64 labels as one-hot vectors of the
// output's dtype, anything else as it is (inline data's values).
template <class Loss>
LossFunction against_values(Loss loss, std::int64_t classes) {
  return [loss, classes](const Tensor& out, const Tensor& targets) {
    return loss(out, targets.dtype() == Dtype::Int64 ? kernels::one_hot(targets, classes, out.dtype()) : targets);
  };
}

// A pair loss of (x1, x2, y) on a Siamese model's (N, 2, D) embeddings.
template <class Loss>
LossFunction on_pairs(Loss loss) {
  return [loss](const Tensor& embeddings, const Tensor& targets) {
    const auto [x1, x2] = Siamese::halves(embeddings);
    return loss(x1, x2, targets);
  };
}

}  // namespace descent::nn
