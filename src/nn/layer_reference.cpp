#include "descent/nn/layer_reference.hpp"

#include <algorithm>

#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/nn/tensor_init_type.hpp"
#include "descent/util/join.hpp"

namespace descent::nn {
namespace {

std::string code(std::string_view s) {
  std::string out = "`";
  out += s;
  return out += '`';
}

// The entries by name (the registry is sorted by function name).
std::vector<const LayerType*> by_name() {
  std::vector<const LayerType*> out(layer_types().begin(), layer_types().end());
  std::sort(out.begin(), out.end(), [](const LayerType* a, const LayerType* b) { return a->name < b->name; });
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back(code(n));
  return util::join(quoted);
}

}  // namespace

std::string layers_markdown() {
  std::string md =
      "# Layers, activations and initialisers\n\n"
      "<!-- Generated from descent's registries (descent/nn/layer_type.hpp, init_type.hpp) by\n"
      "     build/tools/descent_docs docs/layers.md; do not edit by hand. -->\n\n"
      "## Layer types\n\n"
      "A model in the layer form is `input_shape` and a list of `[[model.layer]]` tables, each naming its `type`\n"
      "and setting that type's keys below (PyTorch's names and defaults). `in_channels`, `in_features` and\n"
      "`num_features` are not keys: they come from the previous layer's output shape. A key marked required\n"
      "has no default; \"any\" allows every value of the key's kind. An `[height, width]` key also takes one\n"
      "integer for both.\n\n"
      "Every layer may also set `name = \"...\"`, so that later layers can take its output, and\n"
      "`input = \"...\"`, the name of an earlier layer whose output it takes instead of the previous\n"
      "layer's. The merge layers `add` and `concat` join the previous output with the earlier outputs\n"
      "their `inputs = [...]` name: enough for residual and dense connections (a ResNet block ends in\n"
      "`{type = \"add\", inputs = [\"block_in\"]}`; examples/resnet/fashion.toml is a ResNet-8). A name\n"
      "unknown, used twice or of a later layer, and shapes that cannot be merged, are errors naming the\n"
      "layer. A block of layers can be written once, as `[[model.blocks.NAME.layer]]` tables whose\n"
      "`\"$param\"` values each use gives, and used as `{type = \"block\", block = \"NAME\", param = ...}`\n"
      "(examples/resnet/fashion_blocks.toml); layer indices count the layers once blocks are expanded.\n";
  for (const LayerType* type : by_name()) {
    md += "\n### " + std::string(type->name) + "\n\n" + std::string(type->summary) + "\n";
    const std::vector<util::OptionInfo> options = type->options();
    if (options.empty()) {
      md += "\nNo keys besides `type`, `name` and `input`.\n";
      continue;
    }
    md += "\n| key | kind | default | allowed |\n|---|---|---|---|\n";
    for (const util::OptionInfo& o : options)
      md += "| " + code(o.name) + " | " + std::string(util::describe(o.kind)) + " | " +
            (o.required ? std::string("required") : code(o.default_value)) + " | " +
            (o.allows == util::describe(o.kind) ? std::string("any") : o.allows) + " |\n";
  }
  md +=
      "\n## Activations\n\n"
      "The MLP form (`layers = [784, 30, 10]`) puts `activation` between its Linear layers and\n"
      "`output_activation` after the last: one of the layer types above that are activations, with their\n"
      "keys at their defaults, or `none` (activation = \"none\": no nonlinearity between the Linear\n"
      "layers, a linear model).\n\n" +
      quoted_list(activation_names()) +
      "\n\n## Initialisers\n\n"
      "The MLP form's `init` sets each Linear layer's weight and bias; the gains follow the activation\n"
      "after the layer.\n\n| init | what it draws |\n|---|---|\n";
  for (const InitType& init : init_types()) md += "| " + code(init.name) + " | " + std::string(init.summary) + " |\n";
  md +=
      "\n## Initialisers of one tensor\n\n"
      "`weight_init` and `bias_init` set a layer's weight and bias as torch.nn.init's function of that name\n"
      "with its default arguments. They are keys of each `[[model.layer]]` of type `linear` or `conv2d`, and\n"
      "of `[model]`: there they apply to every Linear layer of the MLP form, the output layer included, after\n"
      "`init` (which keeps setting what they leave at `default`), or are the default of every linear and\n"
      "conv2d layer of the layer form. fan_in is a weight's second dimension times its kernel's size\n"
      "(in_features; in_channels kh kw), fan_out its first times the kernel's size. The xavier and kaiming\n"
      "rows need both, so a bias (one dimension) takes only the others.\n\n"
      "| value | what it sets | bias_init |\n|---|---|---|\n";
  for (const TensorInitType& init : tensor_init_types())
    md += "| " + code(tensor_init_form(init)) + " | " + std::string(init.summary) + " | " +
          (init.needs_fans ? "no" : "yes") + " |\n";
  return md;
}

std::string layers_help() {
  std::string help = "Layer types ([[model.layer]] type = ...; keys and defaults in docs/layers.md):\n";
  std::size_t width = 0;
  for (const LayerType* type : by_name()) width = std::max(width, type->name.size());
  for (const LayerType* type : by_name()) {
    std::vector<std::string> keys;
    for (const util::OptionInfo& o : type->options()) keys.push_back(o.name);
    std::string line = "  " + std::string(type->name);
    line.resize(width + 4, ' ');
    help += line + (keys.empty() ? std::string("(no keys)") : util::join(keys)) + "\n";
  }
  help += "Activations (activation, output_activation; or none): " + util::join(activation_names()) + "\n";
  help += "Inits (init): " + util::join(init_names()) + "\n";
  help += "Inits of one tensor (weight_init; bias_init without xavier and kaiming): " +
          tensor_init_forms(InitParam::Weight) + "\n";
  return help;
}

}  // namespace descent::nn
