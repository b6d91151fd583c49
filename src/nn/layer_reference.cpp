#include "descent/nn/layer_reference.hpp"

#include <algorithm>

#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_type.hpp"
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
      "integer for both.\n";
  for (const LayerType* type : by_name()) {
    md += "\n### " + std::string(type->name) + "\n\n" + std::string(type->summary) + "\n";
    const std::vector<util::OptionInfo> options = type->options();
    if (options.empty()) {
      md += "\nNo keys besides `type`.\n";
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
      "keys at their defaults; `output_activation` may also be `none`.\n\n" +
      quoted_list(activation_names()) +
      "\n\n## Initialisers\n\n"
      "The MLP form's `init` sets each Linear layer's weight and bias; the gains follow the activation\n"
      "after the layer.\n\n| init | what it draws |\n|---|---|\n";
  for (const InitType& init : init_types()) md += "| " + code(init.name) + " | " + std::string(init.summary) + " |\n";
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
  help += "Activations (activation; output_activation also none): " + util::join(activation_names()) + "\n";
  help += "Inits (init): " + util::join(init_names()) + "\n";
  return help;
}

}  // namespace descent::nn
