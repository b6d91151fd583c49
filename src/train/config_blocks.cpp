#include "config_blocks.hpp"

#include <array>
#include <map>
#include <set>

namespace descent::train::config_reader {
namespace {

constexpr std::array<std::string_view, 4> kUseKeys = {"type", "block", "name", "input"};
constexpr std::size_t kMaxLayers = 10'000;

// "p" for a string "$p", else empty.
std::string param_of(const toml::node& n) {
  const auto* s = n.as_string();
  if (!s || s->get().size() < 2 || s->get()[0] != '$') return {};
  return s->get().substr(1);
}

// Every parameter ("$p") of a block's layers, sorted.
std::set<std::string> params_of(const toml::array& layers) {
  std::set<std::string> out;
  for (const toml::node& layer : layers)
    for (auto&& [key, value] : *layer.as_table()) {
      if (std::string p = param_of(value); !p.empty()) out.insert(p);
      if (const auto* a = value.as_array())
        for (const toml::node& e : *a)
          if (std::string p = param_of(e); !p.empty()) out.insert(p);
    }
  return out;
}

// A copy of `node` (any kind).
template <class Into>
void append_copy(Into& into, const toml::node& node) {
  node.visit([&](const auto& n) { into.push_back(n); });
}

// A block's layer for one use: its parameters replaced by the use's values.
toml::table substitute(const toml::table& layer, const toml::table& use) {
  toml::table out;
  for (auto&& [key, value] : layer) {
    const toml::node* v = &value;
    if (std::string p = param_of(value); !p.empty()) v = use.get(p);
    if (const auto* a = v->as_array()) {
      toml::array copy;
      for (const toml::node& e : *a) {
        const std::string p = param_of(e);
        append_copy(copy, p.empty() ? e : *use.get(p));
      }
      out.insert_or_assign(key, std::move(copy));
    } else {
      const toml::key& name = key;  // clang cannot capture a structured binding yet
      v->visit([&](const auto& n) { out.insert_or_assign(name, n); });
    }
  }
  return out;
}

// The blocks of [model.blocks], each a non-empty array of layer tables, checked.
std::map<std::string, const toml::array*> read_blocks(const Section& model) {
  std::map<std::string, const toml::array*> blocks;
  const toml::node* node = model.find("blocks");
  if (!node) return blocks;
  if (!node->is_table()) model.fail("blocks", "tables [model.blocks.NAME], each with [[model.blocks.NAME.layer]]");
  for (auto&& [name, value] : *node->as_table()) {
    if (!value.is_table()) model.fail("blocks", "tables [model.blocks.NAME], each with [[model.blocks.NAME.layer]]");
    const std::string section = "model.blocks." + std::string(name.str());  // outlives the Section
    const Section block(model.path(), section, value.as_table());
    block.reject_unknown(std::array<std::string_view, 1>{"layer"});
    const toml::node* layers = block.find("layer");
    if (!layers) block.missing("layer", "at least one [[model.blocks." + std::string(name.str()) + ".layer]] table");
    const auto* a = layers->as_array();
    if (!a || a->empty() || !a->is_array_of_tables()) block.fail("layer", "[[...layer]] tables, each with a type");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string where = block.full("layer[" + std::to_string(i) + "]");
      const Section layer(model.path(), where, (*a)[i].as_table());
      if (const auto* type = layer.find("type"); type && type->value_or(std::string_view{}) == "block")
        layer.fail("type", "a layer type: a block's layers use no block");
    }
    blocks.emplace(std::string(name.str()), a);
  }
  return blocks;
}

}  // namespace

toml::array expand_blocks(const Section& model, const toml::array& layers) {
  const std::map<std::string, const toml::array*> blocks = read_blocks(model);
  std::vector<std::string_view> block_names;
  for (const auto& [name, layers_of] : blocks) block_names.push_back(name);
  toml::array out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const toml::table& table = *layers[i].as_table();
    if (table["type"].value_or(std::string_view{}) != "block") {
      out.push_back(table);
      continue;
    }
    const std::string where = "model.layer[" + std::to_string(i) + "]";
    const Section use(model.path(), where, &table);
    if (!use.find("block")) use.missing("block", "the name of a [model.blocks.NAME]");
    std::string block_name;
    if (block_names.empty()) use.fail("block", "the name of a [model.blocks.NAME], but the model defines none");
    use.get_choice("block", block_name, block_names);
    const toml::array& body = *blocks.at(block_name);
    const std::set<std::string> params = params_of(body);
    std::vector<std::string_view> known(kUseKeys.begin(), kUseKeys.end());
    for (const std::string& p : params) known.push_back(p);
    use.reject_unknown(known, " for block = " + toml_string(block_name));
    for (const std::string& p : params)
      if (!use.find(p)) use.missing(p, "a parameter of block " + toml_string(block_name));
    const std::string instance = table["name"].value_or("block" + std::to_string(i));
    const auto* own_input = table["input"].as_string();

    // The block's own names, and what each becomes.
    std::map<std::string, std::string> renamed;
    for (std::size_t k = 0; k < body.size(); ++k)
      if (const auto* n = (*body[k].as_table())["name"].as_string())
        renamed[n->get()] = k + 1 == body.size() ? instance : instance + "." + n->get();
    // Uses multiply a block's layers: 300 uses of a block of 300 layers are 90,000 layers from a
    // 16 KB config. No model needs more than kMaxLayers (ResNet-152 has about 500).
    if (out.size() + body.size() > kMaxLayers)
      use.fail("block", "at most " + std::to_string(kMaxLayers) +
                            " layers in the model once blocks are expanded, got " +
                            std::to_string(out.size() + body.size()) + " by this use");
    const std::size_t first = out.size();  // the index of the block's first layer
    auto input_name = [&]() -> std::string {
      if (own_input) return own_input->get();
      if (first == 0) use.fail("block", "a block whose \"in\" has a layer before it (this use is the first layer)");
      toml::table& before = *out[first - 1].as_table();
      if (!before["name"].is_string()) before.insert_or_assign("name", instance + ".in");
      return *before["name"].value<std::string>();
    };
    auto global = [&](const std::string& name) {
      if (name == "in") return input_name();
      const auto it = renamed.find(name);
      return it == renamed.end() ? name : it->second;
    };
    for (std::size_t k = 0; k < body.size(); ++k) {
      toml::table layer = substitute(*body[k].as_table(), table);
      if (const auto* n = layer["name"].as_string()) layer.insert_or_assign("name", global(n->get()));
      if (k + 1 == body.size()) layer.insert_or_assign("name", instance);
      if (const auto* in = layer["input"].as_string()) layer.insert_or_assign("input", global(in->get()));
      else if (k == 0 && own_input) layer.insert_or_assign("input", own_input->get());
      if (auto* names = layer["inputs"].as_array())
        for (toml::node& n : *names)
          if (auto* s = n.as_string()) *s = global(s->get());
      out.push_back(std::move(layer));
    }
  }
  return out;
}

}  // namespace descent::train::config_reader
