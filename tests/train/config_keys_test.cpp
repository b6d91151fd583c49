// The table of config keys against the reader and the reference: every key the reader's sources name
// has a row (a test naming the key fails otherwise), every row's example parses, every default is what
// the reader leaves when the key is absent, and docs/config.md lists every row and option.
#include "descent/train/config_keys.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "descent/nn/layer_type.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/optim/lr_scheduler/scheduler_spec.hpp"
#include "descent/optim/optimizer_spec.hpp"
#include "descent/train/config_reference.hpp"

namespace descent::train {
namespace {

namespace fs = std::filesystem;

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every name a config may hold as a key: the table's, and the options of every loss, optimizer,
// schedule and layer type, which come from their registries.
std::set<std::string> documented_keys() {
  std::set<std::string> keys;
  for (const ConfigKey& k : config_keys()) keys.emplace(k.key);
  for (const nn::LossType* type : nn::loss_types())
    for (const nn::LossOption& o : type->options()) keys.insert(o.name);
  for (const std::string& name : optim::optimizer_names())
    for (const util::OptionInfo& o : optim::optimizer_options(name)) keys.insert(o.name);
  for (const std::string& name : optim::scheduler_names())
    for (const util::OptionInfo& o : scheduler_config_options(name)) keys.insert(o.name);
  for (const nn::LayerType* type : nn::layer_types())
    for (const util::OptionInfo& o : type->options()) keys.insert(o.name);
  return keys;
}

TEST(ConfigKeys, EveryKeyTheReaderReadsHasARow) {
  // A key read by name (s.get("epochs", ...), s.find("weight"), data.fail("inputs", ...)) or listed in
  // a list of known keys of its own.
  const std::regex read(
      R"re(\.(?:get|get_choice|get_rows|get_strings|get_weights|get_sizes|find|check|fail|missing|option_text)\("([A-Za-z0-9_]+)")re");
  const std::regex key_list(R"re(std::array<std::string_view, \d+> k\w*Keys = \{([^}]*)\})re");
  const std::regex quoted(R"re("([A-Za-z0-9_]+)")re");
  const std::set<std::string> documented = documented_keys();
  int reads = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(DESCENT_SOURCE_DIR) / "src/train")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("config") || name == "config_keys.cpp" || name == "config_reference.cpp") continue;
    const std::string source = text_of(entry.path());
    std::vector<std::string> keys;
    for (std::sregex_iterator it(source.begin(), source.end(), read), end; it != end; ++it) keys.push_back((*it)[1]);
    for (std::sregex_iterator it(source.begin(), source.end(), key_list), end; it != end; ++it) {
      const std::string list = (*it)[1];
      for (std::sregex_iterator q(list.begin(), list.end(), quoted), qend; q != qend; ++q) keys.push_back((*q)[1]);
    }
    for (const std::string& key : keys) {
      ++reads;
      EXPECT_TRUE(documented.contains(key)) << "src/train/" << name << " reads the config key \"" << key
                                            << "\", which the table of config keys lacks: add its row to "
                                               "src/train/config_keys.cpp (docs/config.md is written from it)";
    }
  }
  EXPECT_GT(reads, 30);  // the scan found the reader
}

// A minimal config holding `row`'s example, with what some keys need beside them.
std::string config_with(const ConfigKey& row) {
  const std::string key = std::string(row.section) + "." + std::string(row.key), example(row.example);
  const std::string linear = "[[model.layer]]\ntype = \"linear\"\nout_features = 10\n";
  std::string model = "layers = [784, 30, 10]\n", tables;  // [model]'s keys, then its tables
  std::map<std::string, std::string> other;                // the other sections' lines
  if (row.form == ModelForm::Layers || row.section == "model.layer") {
    model.clear();
    tables = "[[model.layer]]\ntype = \"flatten\"\n" + linear;
  }
  if (key == "model.siamese" || key == "data.train_pairs" || key == "data.test_pairs") {
    if (key != "model.siamese") model += "siamese = \"cosine\"\n";
    other["loss"] = "name = \"cosine_embedding\"\n";
    for (const char* pairs : {"train_pairs", "test_pairs"})
      if (row.key != pairs) other["data"] += std::string(pairs) + " = 10\n";
  }
  if (key == "data.inputs" || key == "data.targets") {
    model = "layers = [1, 1]\n";
    other["loss"] = "name = \"mse\"\n";
    other["data"] = key == "data.inputs" ? "targets = [[0.9], [0.2]]\n" : "inputs = [[0.9], [0.1]]\n";
  }
  if (key == "model.layers") model.clear();
  // The early-stopping examples watch val_ metrics, measured on held-out examples.
  if (key.starts_with("train.early_stopping")) other["data"] += "validation = 1000\n";
  // A block's use needs the block: model.blocks' example defines "basic" with a "$width".
  if (key == "model.layer.block") tables = std::string(config_key("model", "blocks").example) + "\n";
  if (row.section == "model.layer") tables += "[[model.layer]]\n" + example + "\n" + linear;
  else if (key == "model.layer") tables = example + "\n";
  else if (example.starts_with("[")) tables += example + "\n";  // [model.weights]
  else if (row.section == "model") model += example + "\n";
  else other[std::string(row.section)] += example + "\n";
  std::string text = "[model]\n" + model + tables;
  for (const auto& [name, lines] : other) text += "[" + name + "]\n" + lines;
  return text;
}

TEST(ConfigKeys, EveryExampleParses) {
  for (const ConfigKey& row : config_keys()) {
    const std::string text = config_with(row);
    try {
      parse_config_string(text, "example.toml");
    } catch (const std::exception& e) {
      ADD_FAILURE() << row.section << "." << row.key << ": its example does not parse: " << e.what() << "\n" << text;
    }
  }
}

TEST(ConfigKeys, DefaultsAreWhatTheReaderLeaves) {
  const TrainConfig defaults;
  const TrainConfig mlp = parse_config_string("[model]\nlayers = [784, 30, 10]\n", "mlp.toml");
  const TrainConfig layers =
      parse_config_string("[model]\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n", "layers.toml");
  for (const ConfigKey& row : config_keys()) {
    if (!row.default_of) continue;
    const TrainConfig& read = row.form == ModelForm::Layers ? layers : mlp;
    EXPECT_EQ(row.default_of(defaults), row.default_of(read)) << row.section << "." << row.key;
  }
  EXPECT_EQ(layers.model.input_shape, (std::vector<std::int64_t>{784}));  // model.input_shape's default, [784]
  EXPECT_EQ(config_key("model", "input_shape").default_of(defaults), "[784]");
}

TEST(ConfigKeys, TheReaderKnowsExactlyTheRows) {
  EXPECT_EQ(config_sections(),
            (std::vector<std::string_view>{"model", "loss", "optim", "scheduler", "data", "train", "diagnostics"}));
  for (std::string_view section : {"data", "train", "diagnostics"})
    for (std::string_view key : config_key_names(section)) {
      // Every row's key is known: a value of the wrong type is an error about that key, never "unknown key".
      // (1 for the keys that take a table, augment and early_stopping, where {} is a valid value.)
      const std::string wrong = config_key(section, key).type == "table" ? "1" : "{}";
      const std::string text =
          "[model]\nlayers = [784, 30, 10]\n[" + std::string(section) + "]\n" + std::string(key) + " = " + wrong + "\n";
      try {
        parse_config_string(text, "cfg.toml");
        ADD_FAILURE() << section << "." << key << " = " << wrong << " parsed";
      } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).find("unknown key"), std::string::npos) << e.what();
      }
    }
  EXPECT_THROW(config_key("train", "epoch"), std::out_of_range);
}

TEST(ConfigKeys, ReferenceListsEveryRowAndOption) {
  const std::string md = config_markdown();
  for (const ConfigKey& row : config_keys())
    EXPECT_NE(md.find("| `" + std::string(row.key) + "` |"), std::string::npos) << row.section << "." << row.key;
  for (const std::string& name : optim::optimizer_names()) EXPECT_NE(md.find("#### " + name + "\n"), std::string::npos);
  for (const std::string& name : optim::scheduler_names()) EXPECT_NE(md.find("#### " + name + "\n"), std::string::npos);
  for (const std::string& name : nn::loss_type_names()) EXPECT_NE(md.find("#### " + name + "\n"), std::string::npos);
  // onecyclelr's total_steps is set by the run, not a key.
  const std::size_t one_cycle = md.find("#### onecyclelr\n");
  ASSERT_NE(one_cycle, std::string::npos);
  EXPECT_EQ(md.substr(one_cycle, md.find("####", one_cycle + 5) - one_cycle).find("total_steps"), std::string::npos);
  EXPECT_NE(md.find("| `epochs` | integer | `1` | >= 1 |"), std::string::npos);  // TrainConfig{}.epochs
}

}  // namespace
}  // namespace descent::train
