// Reads a training config from TOML and checks every key before anything runs. Each error names the
// file, the key, the value as it was written and what is allowed:
//   nielsen.toml: optim.lr = -0.1: expected lr >= 0
//   cfg.toml: unknown key train.epoch (known keys in [train]: epochs, batch_size, seed, dtype)
//   cfg.toml:3:7: TOML syntax error: ...
// toml++ is used header-only (TOML_HEADER_ONLY=1, set by the build) and only in this file.
#include "descent/train/config.hpp"

#include <toml++/toml.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string_view>

#include "descent/error.hpp"

namespace descent::train {
namespace {

using Names = std::span<const std::string_view>;

constexpr std::array<std::string_view, 6> kSections = {"model", "loss", "optim", "data", "train", "diagnostics"};
constexpr std::array<std::string_view, 6> kModelKeys = {"layers", "activation", "output_activation", "init", "bias", "weights"};
constexpr std::array<std::string_view, 2> kLossKeys = {"name", "reduction"};
constexpr std::array<std::string_view, 5> kDataKeys = {"classes", "train_limit", "test_limit", "inputs", "targets"};
constexpr std::array<std::string_view, 2> kDiagnosticsKeys = {"record", "record_every"};
constexpr std::array<std::string_view, 4> kTrainKeys = {"epochs", "batch_size", "seed", "dtype"};

constexpr std::array<std::string_view, 3> kActivations = {"sigmoid", "tanh", "relu"};
constexpr std::array<std::string_view, 5> kOutputActivations = {"none", "sigmoid", "tanh", "relu", "softmax"};
constexpr std::array<std::string_view, 6> kInits = {"default",       "nielsen",         "xavier_uniform",
                                                    "xavier_normal", "kaiming_uniform", "kaiming_normal"};
constexpr std::array<std::string_view, 3> kLosses = {"cross_entropy", "mse", "quadratic"};
constexpr std::array<std::string_view, 2> kReductions = {"mean", "sum"};
constexpr std::array<std::string_view, 2> kDtypes = {"float32", "float64"};

std::string join(Names names) {
  std::string s;
  for (std::string_view n : names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}

bool contains(Names names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

std::string toml_string(std::string_view s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      q += buf;
    } else {
      q += c;
    }
  }
  return q + '"';
}

// Shortest text that reads back as `x`, with a ".0" so 3.0 does not print as the integer 3.
std::string render_double(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// A value as it would be written in the file: "swish", 3.0, [784, 30, 10].
std::string render(const toml::node& node) {
  if (const auto* s = node.as_string()) return toml_string(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return render_double(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = node.as_array()) {
    std::string s = "[";
    for (std::size_t k = 0; k < a->size(); ++k) s += (k ? ", " : "") + render((*a)[k]);
    return s + "]";
  }
  if (const auto* t = node.as_table()) {
    std::string s;
    for (auto&& [key, value] : *t) s += (s.empty() ? "{ " : ", ") + std::string(key.str()) + " = " + render(value);
    return s.empty() ? "{}" : s + " }";
  }
  std::ostringstream os;  // dates and times
  node.visit([&](const auto& v) { os << v; });
  return os.str();
}

// One [section] of the file. The getters leave `out` unchanged (the struct's default) when the key is
// absent and throw ConfigError when it is present with the wrong type.
class Section {
 public:
  Section(const std::string& path, std::string_view name, const toml::table* table)
      : path_(path), name_(name), table_(table) {}

  const toml::node* find(std::string_view key) const { return table_ ? table_->get(key) : nullptr; }
  std::string full(std::string_view key) const { return std::string(name_) + "." + std::string(key); }

  [[noreturn]] void fail(std::string_view key, std::string_view expected) const {
    const toml::node* node = find(key);
    throw ConfigError(path_ + ": " + full(key) + " = " + (node ? render(*node) : std::string("(default)")) +
                      ": expected " + std::string(expected));
  }
  void check(std::string_view key, bool ok, std::string_view expected) const {
    if (!ok) fail(key, expected);
  }

  // Every key must be in `known`; `note` says what decides the list ("for sgd").
  void reject_unknown(Names known, std::string_view note = {}) const {
    if (!table_) return;
    for (auto&& [key, value] : *table_) {
      if (contains(known, key.str())) continue;
      throw ConfigError(path_ + ": unknown key " + full(key.str()) + " (known keys in [" + std::string(name_) + "]" +
                        std::string(note) + ": " + join(known) + ")");
    }
  }

  void get(std::string_view key, std::int64_t& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    if (!node->is_integer()) fail(key, "an integer");
    out = node->as_integer()->get();
  }
  void get(std::string_view key, double& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    if (const auto* i = node->as_integer()) {
      out = static_cast<double>(i->get());  // lr = 3 means 3.0
      return;
    }
    if (!node->is_floating_point()) fail(key, "a number");
    out = node->as_floating_point()->get();
    if (!std::isfinite(out)) fail(key, "a finite number");
  }
  void get(std::string_view key, bool& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    if (!node->is_boolean()) fail(key, "true or false");
    out = node->as_boolean()->get();
  }
  void get_choice(std::string_view key, std::string& out, Names allowed) const {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* s = node->as_string();
    if (!s || !contains(allowed, s->get())) fail(key, "one of " + join(allowed));
    out = s->get();
  }
  // An array of arrays of numbers (one row per example), every row of the same length.
  void get_rows(std::string_view key, std::vector<std::vector<double>>& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    constexpr std::string_view expected = "an array of rows of numbers, e.g. [[0.9], [0.1]]";
    const auto* a = node->as_array();
    if (!a || a->empty()) fail(key, expected);
    out.clear();
    for (const toml::node& row : *a) {
      const auto* r = row.as_array();
      if (!r || r->empty()) fail(key, expected);
      std::vector<double> values;
      for (const toml::node& e : *r) {
        if (const auto* i = e.as_integer()) values.push_back(static_cast<double>(i->get()));
        else if (const auto* f = e.as_floating_point(); f && std::isfinite(f->get())) values.push_back(f->get());
        else fail(key, expected);
      }
      if (!out.empty() && values.size() != out.front().size()) fail(key, "rows of equal length");
      out.push_back(std::move(values));
    }
  }
  // An array of strings.
  void get_strings(std::string_view key, std::vector<std::string>& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* a = node->as_array();
    if (!a) fail(key, "an array of strings");
    out.clear();
    for (const toml::node& e : *a) {
      if (!e.is_string()) fail(key, "an array of strings");
      out.push_back(e.as_string()->get());
    }
  }
  // A table of name = (nested) array of numbers, flattened row-major.
  void get_weights(std::string_view key, std::vector<std::pair<std::string, std::vector<double>>>& out) const {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* t = node->as_table();
    if (!t) fail(key, "a table of parameter name = array of numbers, e.g. \"0.weight\" = [[0.1]]");
    for (auto&& [name, value] : *t) {
      std::vector<double> flat;
      bool ok = true;
      auto flatten = [&](auto&& self, const toml::node& n) -> void {
        if (const auto* a = n.as_array()) {
          for (const toml::node& e : *a) self(self, e);
        } else if (const auto* i = n.as_integer()) {
          flat.push_back(static_cast<double>(i->get()));
        } else if (const auto* f = n.as_floating_point()) {
          flat.push_back(f->get());
        } else {
          ok = false;
        }
      };
      flatten(flatten, value);
      if (!ok || flat.empty())
        throw ConfigError(path_ + ": " + full(key) + "." + std::string(name.str()) + " = " + render(value) +
                          ": expected an array of numbers");
      out.emplace_back(std::string(name.str()), std::move(flat));
    }
  }
  // The required list of layer sizes.
  void get_sizes(std::string_view key, std::vector<std::int64_t>& out) const {
    const toml::node* node = find(key);
    constexpr std::string_view expected = "an array of at least 2 positive integers, e.g. [784, 30, 10]";
    if (!node)
      throw ConfigError(path_ + ": missing required key " + full(key) + " (" + std::string(key) +
                        " = [784, 30, 10] in [" + std::string(name_) + "])");
    const auto* a = node->as_array();
    if (!a || a->size() < 2) fail(key, expected);
    out.clear();
    for (const toml::node& e : *a) {
      if (!e.is_integer() || e.as_integer()->get() <= 0) fail(key, expected);
      out.push_back(e.as_integer()->get());
    }
  }

 private:
  const std::string& path_;
  std::string_view name_;
  const toml::table* table_;  // null when the file has no such section
};

void read_model(const Section& s, ModelConfig& m) {
  s.reject_unknown(kModelKeys);
  s.get_sizes("layers", m.layers);
  s.get_choice("activation", m.activation, kActivations);
  s.get_choice("output_activation", m.output_activation, kOutputActivations);
  s.get_choice("init", m.init, kInits);
  s.get("bias", m.bias);
  s.get_weights("weights", m.weights);
}

void read_diagnostics(const Section& s, DiagnosticsConfig& d) {
  s.reject_unknown(kDiagnosticsKeys);
  s.get_strings("record", d.record);
  s.get("record_every", d.record_every);
  s.check("record_every", d.record_every >= 1, "record_every >= 1");
}

void read_loss(const Section& s, LossConfig& l) {
  s.reject_unknown(kLossKeys);
  s.get_choice("name", l.name, kLosses);
  s.get_choice("reduction", l.reduction, kReductions);
}

// Keys every optimizer takes, as in PyTorch: lr, weight_decay (L2 added to the gradient), maximize.
void read_common(const Section& s, OptimConfig& o) {
  s.get("lr", o.lr);
  s.check("lr", o.lr >= 0, "lr >= 0");
  s.get("weight_decay", o.weight_decay);
  s.check("weight_decay", o.weight_decay >= 0, "weight_decay >= 0");
  s.get("maximize", o.maximize);
}

// torch.optim.SGD: v = momentum * v + (1 - dampening) * g; nesterov needs momentum > 0 and dampening = 0.
void read_sgd(const Section& s, OptimConfig& o) {
  read_common(s, o);
  s.get("momentum", o.momentum);
  s.check("momentum", o.momentum >= 0, "momentum >= 0");
  s.get("dampening", o.dampening);
  s.check("dampening", o.dampening >= 0 && o.dampening <= 1, "dampening in [0, 1]");
  s.get("nesterov", o.nesterov);
  if (o.nesterov)
    s.check("nesterov", o.momentum > 0 && o.dampening == 0,
            "nesterov = true only with momentum > 0 and dampening = 0 (got momentum = " + render_double(o.momentum) +
                ", dampening = " + render_double(o.dampening) + ")");
}

// One entry per optimizer: its name, the keys [optim] may hold for it and the function reading them.
// A new optimizer adds its fields to OptimConfig, a reader here and a row in the table.
struct OptimizerSpec {
  std::string_view name;
  Names keys;
  void (*read)(const Section&, OptimConfig&);
};
constexpr std::array<std::string_view, 7> kSgdKeys = {"name",         "lr",       "momentum", "dampening",
                                                      "weight_decay", "nesterov", "maximize"};
constexpr std::array<OptimizerSpec, 1> kOptimizers = {{{"sgd", kSgdKeys, read_sgd}}};

void read_optim(const Section& s, OptimConfig& o) {
  std::array<std::string_view, kOptimizers.size()> names;
  for (std::size_t k = 0; k < kOptimizers.size(); ++k) names[k] = kOptimizers[k].name;
  s.get_choice("name", o.name, names);
  for (const OptimizerSpec& spec : kOptimizers) {
    if (spec.name != o.name) continue;
    s.reject_unknown(spec.keys, " for " + std::string(spec.name));
    spec.read(s, o);
    return;
  }
  throw ConfigError("no reader for optimizer " + o.name);  // unreachable: the name was checked above
}

void read_data(const Section& s, DataConfig& d) {
  s.reject_unknown(kDataKeys);
  s.get("classes", d.classes);
  s.check("classes", d.classes >= 2, "classes >= 2");
  s.get("train_limit", d.train_limit);
  s.check("train_limit", d.train_limit >= 0, "train_limit >= 0 (0: every example)");
  s.get("test_limit", d.test_limit);
  s.check("test_limit", d.test_limit >= 0, "test_limit >= 0 (0: every example)");
  s.get_rows("inputs", d.inputs);
  s.get_rows("targets", d.targets);
  if (d.inputs.empty() != d.targets.empty())
    s.fail(d.inputs.empty() ? "targets" : "inputs", "data.inputs and data.targets given together");
  if (d.inputs.size() != d.targets.size())
    s.fail("targets", "as many rows as data.inputs (" + std::to_string(d.inputs.size()) + ")");
}

void read_train(const Section& s, TrainConfig& c) {
  s.reject_unknown(kTrainKeys);
  s.get("epochs", c.epochs);
  s.check("epochs", c.epochs >= 1, "epochs >= 1");
  s.get("batch_size", c.batch_size);
  s.check("batch_size", c.batch_size >= 1, "batch_size >= 1");
  std::int64_t seed = static_cast<std::int64_t>(c.seed);
  s.get("seed", seed);
  s.check("seed", seed >= 0, "seed >= 0");
  c.seed = static_cast<std::uint64_t>(seed);
  std::string dtype(to_string(c.dtype));
  s.get_choice("dtype", dtype, kDtypes);
  c.dtype = dtype_from_string(dtype);
}

}  // namespace

TrainConfig parse_config_string(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                      ": TOML syntax error: " + std::string(e.description()));
  }

  for (auto&& [key, value] : root) {
    if (!contains(kSections, key.str()))
      throw ConfigError(path + ": unknown " +
                        (value.is_table() ? "section [" + std::string(key.str()) + "]"
                                          : "key " + std::string(key.str()) + " outside any section") +
                        " (known sections: " + join(kSections) + ")");
    if (!value.is_table())
      throw ConfigError(path + ": " + std::string(key.str()) + " = " + render(value) + ": expected a section [" +
                        std::string(key.str()) + "]");
  }
  auto section = [&](std::string_view name) { return Section(path, name, root[name].as_table()); };

  TrainConfig c;
  c.path = path;
  read_model(section("model"), c.model);
  read_loss(section("loss"), c.loss);
  read_optim(section("optim"), c.optim);
  read_data(section("data"), c.data);
  read_train(section("train"), c);
  read_diagnostics(section("diagnostics"), c.diagnostics);

  // Across sections: inline examples fit the network's ends; otherwise one output unit per class.
  if (!c.data.inputs.empty()) {
    if (static_cast<std::int64_t>(c.data.inputs.front().size()) != c.model.layers.front())
      section("data").fail("inputs", "rows of model.layers[0] = " + std::to_string(c.model.layers.front()) + " numbers");
    if (static_cast<std::int64_t>(c.data.targets.front().size()) != c.model.layers.back())
      section("data").fail("targets", "rows of " + std::to_string(c.model.layers.back()) +
                                          " numbers, the size of the model's last layer");
    if (c.loss.name == "cross_entropy")
      section("loss").fail("name", "mse or quadratic with inline data (its targets are numbers, not classes)");
  } else if (c.model.layers.back() != c.data.classes) {
    bool given = root["data"]["classes"].node() != nullptr;
    section("model").fail("layers", "the last size (" + std::to_string(c.model.layers.back()) +
                                        ") to equal data.classes = " + std::to_string(c.data.classes) +
                                        (given ? "" : " (the default)"));
  }
  return c;
}

TrainConfig parse_config(const std::string& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw ConfigError(path + ": is a directory, expected a TOML config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read config file");
  return parse_config_string(text.str(), path);
}

}  // namespace descent::train
