#include "descent/train/config_reference.hpp"

#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/optim/lr_scheduler/scheduler_spec.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/config_keys.hpp"
#include "descent/util/join.hpp"

namespace descent::train {
namespace {

std::string code(std::string_view s) {
  std::string out = "`";
  out += s;
  return out += '`';
}

template <class Names>
std::string code_list(const Names& names) {
  std::vector<std::string> parts;
  for (const auto& n : names) parts.push_back(code(n));
  return util::join(parts);
}

// A table cell: no line breaks, no bare '|'.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "<br>";
    else if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

// What the section says before its table, by name.
std::string_view section_summary(std::string_view section) {
  if (section == "model")
    return "The model, required. Either an MLP (`layers`, `activation`, `output_activation`, `init`, `bias`) or "
           "`input_shape` and a list of `[[model.layer]]` tables, one per layer; the form column says which keys "
           "belong to which.";
  if (section == "loss") return "The loss: `name`, then that loss's options (below).";
  if (section == "optim") return "The optimizer: `name`, then that optimizer's options (below).";
  if (section == "scheduler")
    return "A learning-rate schedule, optional: `name`, then that schedule's options (below).";
  if (section == "data")
    return "The examples: the IDX files of the data directory (`--data-dir`, else `$DESCENT_DATA`), data files "
           "(`train`, `test`: .csv, .npy, .npz; [data.md](data.md)), or examples written in the config (`inputs`, "
           "`targets`).";
  if (section == "data.augment")
    return "The keys of `[data] augment = {...}` (or of a `[data.augment]` table): random transforms of the "
           "training images, applied in this order, each off at its default.";
  if (section == "train.early_stopping")
    return "The keys of `[train] early_stopping = {...}` (or of a `[train.early_stopping]` table).";
  if (section == "model.layer")
    return "One table per layer of the layer form, in order: its `type`, then that type's keys.";
  if (section == "train") return "The run.";
  if (section == "diagnostics") return "What a run records and watches besides its metrics.";
  return "";
}

std::string_view form_text(ModelForm form) {
  return form == ModelForm::Mlp ? "MLP" : form == ModelForm::Layers ? "layers" : "both";
}

// "[data]"; "[[model.layer]]", an array of tables.
std::string header(std::string_view section) {
  std::string out = section == "model.layer" ? "[[" : "[";
  out += section;
  return out += section == "model.layer" ? "]]" : "]";
}

// The examples of a section's rows (of one form of [model] and of both) as one TOML section, those that
// open a table of their own ([model.weights], [[model.layer]]) after the keys.
std::string example_block(std::string_view section, ModelForm form) {
  std::string keys, tables;
  for (const ConfigKey& k : config_keys()) {
    if (k.section != section || (form != ModelForm::Any && k.form != ModelForm::Any && k.form != form)) continue;
    (k.example.starts_with("[") ? tables : keys) += std::string(k.example) + "\n";
  }
  return "```toml\n" + header(section) + "\n" + keys + tables + "```\n";
}

// The table of a section's rows, then their examples.
std::string section_markdown(std::string_view section, const TrainConfig& defaults) {
  const bool model = section == "model";
  std::string md = "\n## " + header(section) + "\n\n" + std::string(section_summary(section)) + "\n\n";
  md += model ? "| key | form | type | default | allowed | meaning |\n|---|---|---|---|---|---|\n"
              : "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
  for (const ConfigKey& k : config_keys()) {
    if (k.section != section) continue;
    std::string allowed = k.choices.empty() ? std::string(k.allowed) : "one of " + code_list(k.choices);
    if (!k.choices.empty() && !k.allowed.empty()) allowed += "; " + std::string(k.allowed);
    md += "| " + code(k.key) + " | " + (model ? std::string(form_text(k.form)) + " | " : "") + cell(k.type) + " | " +
          (k.default_of ? code(k.default_of(defaults)) : std::string("none")) + " | " + cell(allowed) + " | " +
          cell(k.summary) + " |\n";
  }
  if (!model) return md + "\nEach key with an example value:\n\n" + example_block(section, ModelForm::Any);
  return md + "\nEach key of the MLP form with an example value:\n\n" + example_block(section, ModelForm::Mlp) +
         "\nAnd of the layer form:\n\n" + example_block(section, ModelForm::Layers);
}

// An option's kind as a config writes it (the command line's text forms differ: "0.9,0.999").
std::string_view toml_type(util::OptionKind kind) {
  switch (kind) {
    case util::OptionKind::Number: return "number";
    case util::OptionKind::Integer: return "integer";
    case util::OptionKind::Flag: return "boolean";
    case util::OptionKind::NumberPair: return "array of two numbers";
    case util::OptionKind::Text: return "string";
    case util::OptionKind::IntegerList: return "array of integers";
    case util::OptionKind::Size2: return "integer or [height, width]";
    case util::OptionKind::NumberList: return "array of numbers";
  }
  return "";
}

// A default in the factories' text ("0.9,0.999", "mean") as TOML writes it ([0.9, 0.999], "mean").
std::string toml_value(util::OptionKind kind, const std::string& text) {
  if (kind == util::OptionKind::Text) return "\"" + text + "\"";
  const bool list = kind == util::OptionKind::NumberPair || kind == util::OptionKind::IntegerList ||
                    kind == util::OptionKind::NumberList ||
                    (kind == util::OptionKind::Size2 && text.find(',') != std::string::npos);
  if (!list) return text;
  std::string out = "[";
  for (char c : text) c == ',' ? out += ", " : out += c;
  return out += ']';
}

// A table row of one option; an empty default is none, and so is a default that names another key
// (a pooling stride's, kernel_size).
std::string option_row(const std::string& name, util::OptionKind kind, const std::string& default_value,
                       const std::string& allowed) {
  return "| " + code(name) + " | " + std::string(toml_type(kind)) + " | " +
         (default_value.empty() ? std::string("none") : code(toml_value(kind, default_value))) + " | " + cell(allowed) +
         " |\n";
}

constexpr std::string_view kOptionsHeader = "| key | type | default | allowed |\n|---|---|---|---|\n";

// A table of an optimizer's or schedule's options as their registries describe them. Their ranges are
// checked when the optimizer or schedule is made, as PyTorch's constructors check them, and are not
// in the registry.
std::string options_table(const std::vector<util::OptionInfo>& options) {
  if (options.empty()) return "No options.\n";
  std::string md(kOptionsHeader);
  for (const util::OptionInfo& o : options)
    md += option_row(
        o.name, o.kind, o.required ? "" : o.default_value,
        (o.required ? "required; " : "") + (o.allows.empty() || o.allows == util::describe(o.kind)
                                                ? std::string("as PyTorch checks it ([optimizers.md](optimizers.md))")
                                                : o.allows));
  return md;
}

std::string losses_markdown() {
  std::string md = "\n### Losses\n\n";
  for (const nn::LossType* type : nn::loss_types()) {
    md += "#### " + std::string(type->name) + "\n\n" + std::string(type->summary) +
          ". Targets: " + std::string(nn::describe(type->targets)) + ".\n\n" + std::string(kOptionsHeader);
    for (const nn::LossOption& o : type->options()) md += option_row(o.name, o.kind, o.default_value, o.allowed);
    md += "\n";
  }
  return md;
}

}  // namespace

std::string config_markdown() {
  const TrainConfig defaults;
  std::string md =
      "# Config reference\n\n"
      "<!-- Generated from the table the config reader reads (descent/train/config_keys.hpp) and descent's\n"
      "     registries by build/tools/descent_docs docs/config.md; do not edit by hand. -->\n\n"
      "A training config is a TOML file of the sections below, each optional except `[model]`; a key left\n"
      "out takes its default. Every key is checked before anything runs: an unknown section or key, a value\n"
      "of the wrong type or out of range is an error naming the file, the key, the value and what is\n"
      "allowed (`nielsen.toml: optim.lr = -0.1: expected lr >= 0`). An integer may stand for a number\n"
      "(`lr = 3`); a number or a string where an integer is expected is an error. A default of `none` means\n"
      "the key has none: it is required where the allowed column says so, else off when absent.\n"
      "[`examples/nielsen/config.toml`](../examples/nielsen/config.toml) is a whole config.\n";
  for (std::string_view section : config_sections()) {
    md += section_markdown(section, defaults);
    if (section == "model") {
      md += "\nActivations: " + code_list(nn::activation_names()) + ".\n\nInits: " + code_list(nn::init_names()) +
            ". What each draws, and the inits of one tensor (`weight_init`, `bias_init`): [layers.md](layers.md).\n";
      md += section_markdown("model.layer", defaults);
      md += "\nTypes: " + code_list(nn::layer_type_names()) +
            "; each type's keys, defaults and allowed values: [layers.md](layers.md).\n";
    }
    if (section == "data") md += section_markdown("data.augment", defaults);
    if (section == "train") md += section_markdown("train.early_stopping", defaults);
    if (section == "loss") md += losses_markdown();
    if (section == "optim") {
      md += "\n### Optimizers\n";
      for (const std::string& name : optim::optimizer_names())
        md += "\n#### " + name + "\n\n" + options_table(optim::optimizer_options(name));
    }
    if (section == "scheduler") {
      md += "\n### Schedules\n";
      for (const std::string& name : optim::scheduler_names())
        md += "\n#### " + name + "\n\n" + options_table(scheduler_config_options(name));
    }
  }
  return md;
}

}  // namespace descent::train
