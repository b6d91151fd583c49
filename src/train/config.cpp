// Reads a training config from TOML and checks every key before anything runs. Each error names the
// file, the key, the value as it was written and what is allowed:
//   nielsen.toml: optim.lr = -0.1: expected lr >= 0
//   cfg.toml: unknown key train.epoch (known keys in [train]: epochs, batch_size, seed, dtype, ...)
//   cfg.toml:3:7: TOML syntax error: ...
// The keys of [optim] and [scheduler] come from the factories (make_optimizer, make_scheduler): each
// option is read as its kind (number, flag, pair, ...), written back as the text the factories read,
// and the whole spec checked by them, so a config accepts exactly what the command line does; their
// OptionError is restated here with the file and key. Each section is read through a Section
// (config_section.hpp); the inits of one tensor ([model] weight_init, bias_init) in config_inits.cpp.
#include "descent/train/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string_view>

#include "config_blocks.hpp"
#include "config_bounds.hpp"
#include "config_data_files.hpp"
#include "config_inits.hpp"
#include "config_section.hpp"
#include "config_workflow.hpp"
#include "descent/error.hpp"
#include "descent/nn/init_type.hpp"
#include "descent/nn/layer_type.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/optim/option_field.hpp"
#include "descent/train/config_keys.hpp"
#include "descent/train/layer_config.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"
#include "descent/util/memory_limit.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

using config_reader::contains;
using config_reader::Names;
using config_reader::render;
using config_reader::Section;
using config_reader::toml_string;
using util::join;

// The known keys of each section and the choices of its fixed lists come from the table of config
// keys (config_keys.hpp), which docs/config.md is written from.
std::span<const std::string_view> choices(std::string_view section, std::string_view key) {
  return config_key(section, key).choices;
}
// Also taken by the layer form's [model], but not listed in its unknown-key message: [model.blocks.NAME]
// tables, blocks of layers that {type = "block"} tables use (config_blocks.hpp).
constexpr std::array<std::string_view, 1> kLayerModelBlockKeys = {"blocks"};
// Keys of every [[model.layer]] table besides its type's (LayerConfig's name and input), not listed in
// its unknown-key message, which names the type's own keys.
constexpr std::array<std::string_view, 2> kEveryLayerKeys = {"name", "input"};
// The key of a block's use, {type = "block", block = "NAME", ...}, read by config_blocks.cpp.
constexpr std::array<std::string_view, 1> kBlockUseKeys = {"block"};

// `names` less `hidden`: the keys an unknown-key message lists.
std::vector<std::string_view> listed(std::vector<std::string_view> names, std::span<const std::string_view> hidden) {
  std::erase_if(names, [&](std::string_view n) { return std::find(hidden.begin(), hidden.end(), n) != hidden.end(); });
  return names;
}

std::vector<std::string_view> views(const std::vector<std::string>& names);

// A layer's name = "..." or input = "...": what a merge layer's inputs may name, so no commas or quotes.
std::string read_layer_name(const Section& s, std::string_view key) {
  constexpr std::string_view expected = "a name of letters, digits, '_', '-' and '.', e.g. \"block1_in\"";
  const auto* text = s.find(key)->as_string();
  if (!text || text->get().empty()) s.fail(key, expected);
  for (char c : text->get())
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') s.fail(key, expected);
  return text->get();
}

// A merge layer's inputs = ["a", "b"]: as the one text its entry reads, "a,b".
std::string read_names(const Section& s, const optim::OptionInfo& info) {
  const auto* a = s.find("inputs")->as_array();
  if (!a || a->empty()) s.fail("inputs", info.allows);
  std::vector<std::string> names;
  for (const toml::node& e : *a) {
    if (!e.is_string() || e.as_string()->get().empty()) s.fail("inputs", info.allows);
    names.push_back(e.as_string()->get());
  }
  return join(names, ",");
}

// One [[model.layer]] table through its type's registry entry: its keys (unknown ones and missing
// required ones are errors), each read as its kind into the text the entry reads, then checked by it
// (a value out of range, or options that do not go together).
LayerConfig read_layer(const Section& s, const std::vector<std::string>& types) {
  LayerConfig layer;
  if (!s.find("type")) s.missing("type", "one of " + join(views(types)));
  s.get_choice("type", layer.type, views(types));
  const nn::LayerType& type = nn::find_layer_type(layer.type);
  const std::vector<optim::OptionInfo> infos = type.options();
  // type, then the type's options
  // (block, of a {type = "block"} table, is gone: config_blocks.hpp expanded those before.)
  std::vector<std::string_view> known = listed(listed(config_key_names("model.layer"), kEveryLayerKeys), kBlockUseKeys);
  for (const optim::OptionInfo& info : infos) known.push_back(info.name);
  s.reject_unknown(known, kEveryLayerKeys, " for type = " + toml_string(layer.type));
  if (s.find("name")) layer.name = read_layer_name(s, "name");
  if (s.find("input")) layer.input = read_layer_name(s, "input");
  for (const optim::OptionInfo& info : infos) {
    if (type.merge_shape && info.name == "inputs" && s.find("inputs"))
      layer.options.emplace_back("inputs", read_names(s, info));
    else if (s.find(info.name)) layer.options.emplace_back(info.name, s.option_text(info.name, info.kind, info.allows));
    else if (info.required) s.missing(info.name, "for type = " + toml_string(layer.type) + ": " + info.allows);
  }
  try {
    type.check(layer.options);
  } catch (const OptionError& e) {  // a key left at its default shows as "(default)"
    s.fail(e.option(), e.expected());
  }
  return layer;
}

// The layer form: input_shape and [[model.layer]] tables, each read through nn's layer registry,
// then the shapes inferred from first to last.
void read_layer_model(const Section& s, ModelConfig& m) {
  s.reject_unknown(listed(config_key_names("model", ModelForm::Layers), kLayerModelBlockKeys), kLayerModelBlockKeys,
                   " with [[model.layer]]; layers = [...] is the other, exclusive form");
  m.input_shape = {784};
  if (const toml::node* node = s.find("input_shape")) {
    constexpr std::string_view expected = "an array of positive integers, e.g. [1, 28, 28]";
    const auto* a = node->as_array();
    if (!a || a->empty()) s.fail("input_shape", expected);
    m.input_shape.clear();
    for (const toml::node& e : *a) {
      if (!e.is_integer() || e.as_integer()->get() <= 0) s.fail("input_shape", expected);
      m.input_shape.push_back(e.as_integer()->get());
    }
  }
  const toml::node* list = s.find("layer");
  if (!list) s.missing("layer", "at least one [[model.layer]] table with its type");
  const auto* written = list->as_array();
  if (!written || written->empty() || !written->is_array_of_tables())
    s.fail("layer", "[[model.layer]] tables, each with a type and its options");
  const toml::array tables = config_reader::expand_blocks(s, *written);  // uses of [model.blocks] inlined
  const std::vector<std::string> types = nn::layer_type_names();
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string name = "model.layer[" + std::to_string(i) + "]";
    m.layer.push_back(read_layer(Section(s.path(), name, tables[i].as_table()), types));
  }
  s.get_weights("weights", m.weights);
  infer_layer_shapes(m, s.path());
  config_reader::read_model_inits(s, m);
}

void read_model(const Section& s, ModelConfig& m) {
  if (s.find("layer") || s.find("input_shape")) {
    if (s.find("layers"))
      s.fail("layers", "either layers = [...] or [[model.layer]] tables with input_shape, not both");
    read_layer_model(s, m);
    s.get_choice("siamese", m.siamese, choices("model", "siamese"));
    return;
  }
  s.reject_unknown(config_key_names("model", ModelForm::Mlp));
  s.get_sizes("layers", m.layers);
  for (std::size_t i = 0; i < m.layers.size(); ++i)  // as the layer form's shapes (layer_config.cpp)
    util::check_memory(s.path() + ": model.layers[" + std::to_string(i) + "] = " + std::to_string(m.layers[i]) +
                           ": one example's values (as float32)",
                       util::checked_bytes({&m.layers[i], 1}, 4));
  // "none" between the layers too: a linear model, as a fault to diagnose or on purpose.
  const std::vector<std::string> activations = nn::activation_names();
  std::vector<std::string> or_none = {"none"};
  or_none.insert(or_none.end(), activations.begin(), activations.end());
  s.get_choice("activation", m.activation, views(or_none));
  s.get_choice("output_activation", m.output_activation, views(or_none));
  s.get_choice("init", m.init, views(nn::init_names()));
  s.get("bias", m.bias);
  config_reader::read_model_inits(s, m);
  s.get_weights("weights", m.weights);
  s.get_choice("siamese", m.siamese, choices("model", "siamese"));
}

void read_diagnostics(const Section& s, DiagnosticsConfig& d) {
  s.reject_unknown(config_key_names("diagnostics"));
  s.get_strings("record", d.record);
  s.get("record_every", d.record_every);
  s.check("record_every", d.record_every >= 1, "record_every >= 1");
  s.get("nonfinite_watch", d.nonfinite_watch);
  s.get("diagnose", d.diagnose);
  s.get("monitor_every", d.monitor_every);
  s.check("monitor_every", d.monitor_every >= 0, "monitor_every >= 0 (0: off)");
  s.get("loss_window", d.loss_window);
  s.check("loss_window", d.loss_window >= 0, "loss_window >= 0 (0: off)");
  s.get_choice("divergence", d.divergence, choices("diagnostics", "divergence"));
}

// The keys of `infos` the section sets, as the factories' name/value text.
optim::NameValuePairs read_options(const Section& s, const std::vector<optim::OptionInfo>& infos) {
  optim::NameValuePairs out;
  for (const optim::OptionInfo& info : infos)
    if (s.find(info.name)) out.emplace_back(info.name, s.option_text(info.name, info.kind));
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

// "name" and the option names of `infos`.
std::vector<std::string_view> keys_of(const std::vector<optim::OptionInfo>& infos) {
  std::vector<std::string_view> keys = {"name"};
  for (const optim::OptionInfo& info : infos) keys.push_back(info.name);
  return keys;
}

// [loss] through the loss's LossType: its options read as their kinds, then checked by its make(). A
// value of the wrong type for a name or a list gets the message of one out of range ("one of mean,
// sum"); a number "a number", as every number key.
void read_loss(const Section& s, LossConfig& l) {
  const std::vector<std::string> names = nn::loss_type_names();
  s.get_choice("name", l.name, views(names));
  const nn::LossType& type = nn::find_loss_type(l.name);
  const std::vector<nn::LossOption> options = type.options();
  std::vector<std::string_view> keys = {"name"};
  for (const nn::LossOption& o : options) keys.push_back(o.name);
  s.reject_unknown(keys, " for " + l.name);
  for (const nn::LossOption& o : options) {
    const toml::node* node = s.find(o.name);
    if (!node) continue;
    if (o.kind == util::OptionKind::Text && !node->is_string()) s.fail(o.name, o.allowed);
    if (o.kind == util::OptionKind::NumberList) {
      const auto* a = node->as_array();
      if (!a || a->empty()) s.fail(o.name, o.allowed);
      for (const toml::node& e : *a)
        if (!e.is_integer() && !(e.is_floating_point() && std::isfinite(e.as_floating_point()->get())))
          s.fail(o.name, o.allowed);
    }
    l.options.emplace_back(o.name, s.option_text(o.name, o.kind));
  }
  s.check_options(l.name, [&] { type.make(l.options, {}); });
}

void read_optim(const Section& s, optim::OptimizerSpec& spec) {
  const std::vector<std::string> names = optim::optimizer_names();
  s.get_choice("name", spec.name, views(names));
  const std::vector<optim::OptionInfo> infos = optim::optimizer_options(spec.name);
  s.reject_unknown(keys_of(infos), " for " + spec.name);
  spec.options = read_options(s, infos);
  s.check_options(spec.name, [&] { optim::check_optimizer_spec(spec); });
}

std::optional<optim::SchedulerSpec> read_scheduler(const Section& s, const optim::OptimizerSpec& optimizer) {
  if (!s.present()) return std::nullopt;
  const std::vector<std::string> names = optim::scheduler_names();
  if (!s.find("name")) s.missing("name", "one of " + join(views(names)));
  optim::SchedulerSpec spec;
  s.get_choice("name", spec.name, views(names));
  const bool one_cycle = spec.name == "onecyclelr";
  const std::vector<optim::OptionInfo> infos = scheduler_config_options(spec.name);
  s.reject_unknown(keys_of(infos), " for " + spec.name);
  spec.options = read_options(s, infos);
  optim::SchedulerSpec checked = spec;
  if (one_cycle) checked.options.emplace_back("total_steps", "1");  // a stand-in for the run's count
  s.check_options(spec.name, [&] { optim::check_scheduler_spec(checked); });
  if (one_cycle) {  // cycle_momentum (default true) needs an optimizer with momentum or betas
    bool cycle = true;
    s.get("cycle_momentum", cycle);
    const auto options = optim::optimizer_option_names(optimizer.name);
    const bool has_momentum = std::find(options.begin(), options.end(), "momentum") != options.end() ||
                              std::find(options.begin(), options.end(), "betas") != options.end();
    if (cycle && !has_momentum)
      throw ConfigError(s.path() + ": scheduler.cycle_momentum = true" +
                        (s.find("cycle_momentum") ? "" : " (the default)") + ": expected false, as optim.name = \"" +
                        optimizer.name + "\" has no momentum or betas to cycle");
  }
  return spec;
}

void read_data(const Section& s, DataConfig& d) {
  s.reject_unknown(config_key_names("data"));
  s.get("classes", d.classes);
  s.check("classes", d.classes >= 2, "classes >= 2");
  s.get("train_limit", d.train_limit);
  s.check("train_limit", d.train_limit >= 0, "train_limit >= 0 (0: every example)");
  s.get("test_limit", d.test_limit);
  s.check("test_limit", d.test_limit >= 0, "test_limit >= 0 (0: every example)");
  s.get_choice("normalize", d.normalize, choices("data", "normalize"));
  s.get("shuffle", d.shuffle);
  s.get("train_pairs", d.train_pairs);
  s.check("train_pairs", !s.find("train_pairs") || d.train_pairs >= 1, "train_pairs >= 1");
  s.get("test_pairs", d.test_pairs);
  s.check("test_pairs", !s.find("test_pairs") || d.test_pairs >= 1, "test_pairs >= 1");
  s.get_rows("inputs", d.inputs);
  s.get_rows("targets", d.targets);
  if (d.inputs.empty() != d.targets.empty())
    s.fail(d.inputs.empty() ? "targets" : "inputs", "data.inputs and data.targets given together");
  if (d.inputs.size() != d.targets.size())
    s.fail("targets", "as many rows as data.inputs (" + std::to_string(d.inputs.size()) + ")");
  if (!d.inputs.empty() && s.find("normalize"))
    s.fail("normalize", "no normalize with inline data: data.inputs are used as written");
  config_reader::read_validation(s, d);
  config_reader::read_data_files(s, d);
}

void read_train(const Section& s, TrainConfig& c) {
  s.reject_unknown(config_key_names("train"));
  s.get("epochs", c.epochs);
  s.check("epochs", c.epochs >= 1, "epochs >= 1");
  constexpr std::string_view batch_expected = "batch_size >= 1 or \"full\"";
  if (const toml::node* node = s.find("batch_size"); node && node->is_string()) {
    s.check("batch_size", node->as_string()->get() == "full", batch_expected);
    c.batch_size = kFullBatch;
  } else {
    s.get("batch_size", c.batch_size);
    s.check("batch_size", c.batch_size >= 1, batch_expected);
  }
  std::int64_t seed = static_cast<std::int64_t>(c.seed);
  s.get("seed", seed);
  s.check("seed", seed >= 0, "seed >= 0");
  c.seed = static_cast<std::uint64_t>(seed);
  std::string dtype(to_string(c.dtype));
  s.get_choice("dtype", dtype, choices("train", "dtype"));
  c.dtype = dtype_from_string(dtype);
  if (s.find("clip_grad_norm")) {
    s.get("clip_grad_norm", c.clip_grad_norm);
    s.check("clip_grad_norm", c.clip_grad_norm > 0, "clip_grad_norm > 0");
  }
  if (s.find("clip_grad_value")) {
    s.get("clip_grad_value", c.clip_grad_value);
    s.check("clip_grad_value", c.clip_grad_value > 0, "clip_grad_value > 0");
    s.check("clip_grad_value", !s.find("clip_grad_norm"), "clip_grad_norm or clip_grad_value, not both");
  }
  s.get("flush_denormal", c.flush_denormal);
  s.get("capture", c.capture);
  c.early_stopping = config_reader::read_early_stopping(s);
}

nn::LossTargets targets_of(const LossConfig& loss) { return nn::find_loss_type(loss.name).targets; }

// The names of the losses whose targets `fits` accepts, sorted: "bce_with_logits, huber, l1, ...".
template <class Fits>
std::string loss_names(Fits fits) {
  std::vector<std::string> names;
  for (const std::string& name : nn::loss_type_names())
    if (fits(nn::find_loss_type(name).targets)) names.push_back(name);
  return optim::join(names);
}

// Data files with a loss of values may hold float targets, known only when read (then their width,
// not data.classes, must match the output; train/data_files.cpp checks either).
bool may_regress(const TrainConfig& c) {
  return !c.data.train.empty() && targets_of(c.loss) == nn::LossTargets::Values;
}

// The layer form against [data] and [loss]: the last layer gives one output per class (or per target
// of inline data), as a flat vector.
void check_layer_model_fits(const TrainConfig& c, const Section& data, const Section& loss, bool classes_given) {
  const LayerConfig& last = c.model.layer.back();
  const std::string last_name = "model.layer[" + std::to_string(c.model.layer.size() - 1) + "]";
  auto shape_text = [](const std::vector<std::int64_t>& s) { return util::list_text(s); };
  if (last.out_shape.size() != 1)
    throw ConfigError(c.path + ": " + last_name + " (" + last.type + "): output shape " + shape_text(last.out_shape) +
                      ": expected one dimension, one output per class (end with a linear layer)");
  if (!c.data.inputs.empty()) {
    if (static_cast<std::int64_t>(c.data.inputs.front().size()) != c.model.input_size())
      data.fail("inputs",
                "rows of " + std::to_string(c.model.input_size()) + " numbers, the size of model.input_shape");
    if (static_cast<std::int64_t>(c.data.targets.front().size()) != c.model.output_size())
      data.fail("targets", "rows of " + std::to_string(c.model.output_size()) + " numbers, the model's output size");
    if (targets_of(c.loss) == nn::LossTargets::ClassLabels)
      loss.fail("name", "a regression loss with inline data (its targets are numbers, not classes)");
  } else if (c.model.siamese == "none" && c.model.output_size() != c.data.classes && !may_regress(c)) {
    throw ConfigError(c.path + ": " + last_name + " (" + last.type + "): output shape " + shape_text(last.out_shape) +
                      ": expected " + std::to_string(c.data.classes) + " outputs, data.classes" +
                      (classes_given ? "" : " (the default)"));
  }
}

// model.siamese against the pair losses and [data]'s pair counts: a Siamese model trains on pairs with
// the loss of its score (cosine_embedding on cosine similarity, contrastive on Euclidean distance), and
// only a Siamese model does.
void check_siamese(const Section& loss, const Section& data, const TrainConfig& c) {
  const std::string& score = c.model.siamese;
  const std::string& name = c.loss.name;
  const bool pair_loss = targets_of(c.loss) == nn::LossTargets::Pairs;
  if (score == "none") {
    if (pair_loss)
      loss.fail("name", "one of " + loss_names([](nn::LossTargets t) { return t != nn::LossTargets::Pairs; }) +
                            " without model.siamese (" + name + " compares pairs)");
    for (std::string_view key : {"train_pairs", "test_pairs"})
      if (data.find(key)) data.fail(key, "no pair count without model.siamese = \"cosine\" or \"euclidean\"");
    return;
  }
  if (score == "cosine" && name != "cosine_embedding")
    loss.fail("name", "cosine_embedding with model.siamese = \"cosine\" (contrastive needs \"euclidean\")");
  if (score == "euclidean" && name != "contrastive")
    loss.fail("name", "contrastive with model.siamese = \"euclidean\" (cosine_embedding needs \"cosine\")");
  if (!c.data.inputs.empty())
    data.fail("inputs", "no inline examples with model.siamese: pairs are drawn from the IDX files");
  if (c.data.augment.any()) data.fail("augment", "no augment with model.siamese: its examples are pairs of images");
  for (std::string_view key : {"train_pairs", "test_pairs"})
    if (!data.find(key)) data.missing(key, "the number of pairs for model.siamese = \"" + score + "\"");
}

}  // namespace

std::int64_t ModelConfig::input_size() const {
  if (layer.empty()) return layers.empty() ? 0 : layers.front();
  std::int64_t n = 1;
  for (std::int64_t d : input_shape) n *= d;
  return n;
}

std::vector<std::int64_t> ModelConfig::example_shape() const {
  if (layer.empty()) return layers.empty() ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{layers.front()};
  return input_shape;
}

std::int64_t ModelConfig::output_size() const {
  if (layer.empty()) return layers.empty() ? 0 : layers.back();
  std::int64_t n = 1;
  for (std::int64_t d : layer.back().out_shape) n *= d;
  return n;
}

TrainConfig parse_config_string(const std::string& text, const std::string& path) {
  config_reader::check_config_bounds(text, path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                      ": TOML syntax error: " + std::string(e.description()));
  }

  const std::vector<std::string_view> sections = config_sections();
  for (auto&& [key, value] : root) {
    if (!contains(sections, key.str()))
      throw ConfigError(path + ": unknown " +
                        (value.is_table() ? "section [" + util::excerpt(key.str()) + "]"
                                          : "key " + util::excerpt(key.str()) + " outside any section") +
                        " (known sections: " + join(sections) + ")");
    if (!value.is_table())
      throw ConfigError(path + ": " + util::excerpt(key.str()) + " = " + render(value) + ": expected a section [" +
                        util::excerpt(key.str()) + "]");
  }
  auto section = [&](std::string_view name) { return Section(path, name, root[name].as_table()); };

  TrainConfig c;
  c.path = path;
  read_model(section("model"), c.model);
  read_loss(section("loss"), c.loss);
  read_optim(section("optim"), c.optim);
  c.scheduler = read_scheduler(section("scheduler"), c.optim);
  read_data(section("data"), c.data);
  read_train(section("train"), c);
  read_diagnostics(section("diagnostics"), c.diagnostics);

  // Across sections: a Siamese model's loss and pairs; inline examples fit the network's ends; otherwise
  // one output unit per class (a Siamese tower's last layer is the embedding instead).
  check_siamese(section("loss"), section("data"), c);
  config_reader::check_workflow(section("data"), section("train"), c);
  if (!c.model.layer.empty()) {
    check_layer_model_fits(c, section("data"), section("loss"), root["data"]["classes"].node() != nullptr);
  } else if (!c.data.inputs.empty()) {
    if (static_cast<std::int64_t>(c.data.inputs.front().size()) != c.model.layers.front())
      section("data").fail("inputs",
                           "rows of model.layers[0] = " + std::to_string(c.model.layers.front()) + " numbers");
    if (static_cast<std::int64_t>(c.data.targets.front().size()) != c.model.layers.back())
      section("data").fail("targets", "rows of " + std::to_string(c.model.layers.back()) +
                                          " numbers, the size of the model's last layer");
    if (targets_of(c.loss) == nn::LossTargets::ClassLabels)
      section("loss").fail("name", "one of " + loss_names([](nn::LossTargets t) {
                                     return t == nn::LossTargets::Values;
                                   }) + " with inline data (its targets are numbers, not classes)");
  } else if (c.model.siamese == "none" && c.model.layers.back() != c.data.classes && !may_regress(c)) {
    bool given = root["data"]["classes"].node() != nullptr;
    section("model").fail("layers", "the last size (" + std::to_string(c.model.layers.back()) +
                                        ") to equal data.classes = " + std::to_string(c.data.classes) +
                                        (given ? "" : " (the default)"));
  }
  if (const toml::node* weight = section("loss").find("weight");
      weight && static_cast<std::int64_t>(weight->as_array()->size()) != c.data.classes)
    section("loss").fail("weight", std::to_string(c.data.classes) + " numbers, one per class (data.classes)");
  return c;
}

TrainConfig parse_config(const std::string& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw ConfigError(path + ": is a directory, expected a TOML config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open config file");
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec) config_reader::check_config_size(size, path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read config file");
  return parse_config_string(text.str(), path);
}

}  // namespace descent::train
