#pragma once
// The table of every key a training config has: one row per [section] key, with its TOML type, its
// default (rendered from a default-constructed TrainConfig), what it allows and an example. The config
// reader takes its known keys and its choices from here (src/train/config.cpp), and docs/config.md is
// written from here (config_reference.hpp), so a key the reader accepts is a key the reference
// documents. The options of a loss, an optimizer, a schedule and a layer type are not rows: they
// come from those registries, which the reader and the reference read alike.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/train/config.hpp"
#include "descent/util/option_field.hpp"

namespace descent::train {

// [model] has two exclusive forms: an MLP (layers = [...]) or [[model.layer]] tables.
enum class ModelForm { Any, Mlp, Layers };

struct ConfigKey {
  std::string_view section;  // "train"; "model.layer" for the keys of each [[model.layer]] table
  std::string_view key;      // "epochs"
  std::string_view type;     // as TOML writes it: "integer", "number", "string", "array of integers", ...
  std::string_view allowed;  // what the reader accepts besides the type: ">= 1"; with `choices`, a note
  std::string_view summary;  // what it means, one sentence
  std::string_view example;  // TOML as the section holds it: "epochs = 30"
  // The value a config that leaves the key out gets, as TOML: read from `defaults`, a
  // default-constructed TrainConfig; null when the key has none (required, or off when absent).
  std::string (*default_of)(const TrainConfig& defaults) = nullptr;
  std::span<const std::string_view> choices = {};  // a string's allowed values, when this table holds them
  ModelForm form = ModelForm::Any;                 // [model] keys of one form only
};

// Every row, sections in the order a config is read, keys in the order messages list them.
std::span<const ConfigKey> config_keys();

// The top-level sections: model, loss, optim, scheduler, data, train, diagnostics.
std::vector<std::string_view> config_sections();
// The keys of `section` (of `form` and of both forms, for [model]), in table order: the reader's
// known keys.
std::vector<std::string_view> config_key_names(std::string_view section, ModelForm form = ModelForm::Any);
// The row of section.key; std::out_of_range when the table has none.
const ConfigKey& config_key(std::string_view section, std::string_view key);

// The options a schedule takes in a config: scheduler_options(name) less those the run sets
// (onecyclelr's total_steps, epochs and steps_per_epoch: epochs x batches per epoch).
std::vector<util::OptionInfo> scheduler_config_options(const std::string& name);

}  // namespace descent::train
