#pragma once
// One [section] of a TOML training config, read key by key: typed getters whose errors name the file,
// the key, the value as it was written and what is allowed ("cfg.toml: optim.lr = -0.1: expected
// lr >= 0"). Private to src/train/config*.cpp, the only files that see toml++ (used header-only,
// TOML_HEADER_ONLY=1, set by the build).
#include "toml.hpp"

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/error.hpp"
#include "descent/optim/option_field.hpp"
#include "descent/util/excerpt.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train::config_reader {

using Names = std::span<const std::string_view>;
using util::join;

bool contains(Names names, std::string_view name);
// A string as TOML writes it, quoted and escaped: "swish".
std::string toml_string(std::string_view s);
// A value as it would be written in the file: "swish", 3.0, [784, 30, 10].
std::string render(const toml::node& node);

// One [section] of the file. The getters leave `out` unchanged (the struct's default) when the key is
// absent and throw ConfigError when it is present with the wrong type.
class Section {
 public:
  Section(const std::string& path, std::string_view name, const toml::table* table)
      : path_(path), name_(name), table_(table) {}

  bool present() const { return table_ != nullptr; }
  const toml::node* find(std::string_view key) const { return table_ ? table_->get(key) : nullptr; }
  std::string full(std::string_view key) const { return std::string(name_) + "." + std::string(key); }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(std::string_view key, std::string_view expected) const {
    const toml::node* node = find(key);
    throw ConfigError(path_ + ": " + full(key) + " = " + (node ? render(*node) : std::string("(default)")) +
                      ": expected " + std::string(expected));
  }
  void check(std::string_view key, bool ok, std::string_view expected) const {
    if (!ok) fail(key, expected);
  }

  // Every key must be in `known`; `note` says what decides the list ("for sgd").
  void reject_unknown(Names known, std::string_view note = {}) const { reject_unknown(known, {}, note); }
  // The same, `also` accepted besides `known` without being listed: keys every table of its kind takes,
  // documented with them (a layer's name and input).
  void reject_unknown(Names known, Names also, std::string_view note) const {
    if (!table_) return;
    for (auto&& [key, value] : *table_) {
      if (contains(known, key.str()) || contains(also, key.str())) continue;
      throw ConfigError(path_ + ": unknown key " + full(util::excerpt(key.str())) + " (known keys in [" +
                        std::string(name_) + "]" + std::string(note) + ": " + join(known) + ")");
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
  // A required key that is absent.
  [[noreturn]] void missing(std::string_view key, std::string_view what) const {
    throw ConfigError(path_ + ": missing required key " + full(key) + " (" + std::string(what) + ")");
  }

  // An optimizer's, schedule's or layer's option, read as its kind and written as the factories' text.
  // `allows` is what a Size2 or a text allows ("kernel_size >= 1, an integer or [height, width]", "one
  // of default, zeros, ..."), for the message of a value of the wrong TOML type.
  std::string option_text(std::string_view key, optim::OptionKind kind, std::string_view allows = {}) const {
    switch (kind) {
      case optim::OptionKind::Number: {
        double x = 0;
        get(key, x);
        return optim::format_number(x);
      }
      case optim::OptionKind::Integer: {
        std::int64_t x = 0;
        get(key, x);
        return std::to_string(x);
      }
      case optim::OptionKind::Flag: {
        bool x = false;
        get(key, x);
        return x ? "true" : "false";
      }
      case optim::OptionKind::Text: {
        const auto* str = find(key)->as_string();
        if (!str) fail(key, allows.empty() ? std::string_view("a string") : allows);
        return str->get();
      }
      case optim::OptionKind::NumberPair: {
        const auto* a = find(key)->as_array();
        constexpr std::string_view expected = "an array of two numbers, e.g. [0.9, 0.999]";
        if (!a || a->size() != 2) fail(key, expected);
        std::vector<std::string> parts;
        for (const toml::node& e : *a) {
          const double x = e.is_integer()          ? static_cast<double>(e.as_integer()->get())
                           : e.is_floating_point() ? e.as_floating_point()->get()
                                                   : std::nan("");
          if (!std::isfinite(x)) fail(key, expected);
          parts.push_back(optim::format_number(x));
        }
        return optim::join(parts, ",");
      }
      case optim::OptionKind::IntegerList: {
        const auto* a = find(key)->as_array();
        constexpr std::string_view expected = "an array of integers, e.g. [30, 80]";
        if (!a) fail(key, expected);
        std::vector<std::int64_t> values;
        for (const toml::node& e : *a) {
          if (!e.is_integer()) fail(key, expected);
          values.push_back(e.as_integer()->get());
        }
        return optim::format_integers(values);
      }
      case optim::OptionKind::Size2: {  // 3, or [3, 1]
        const toml::node& node = *find(key);
        if (node.is_integer()) return std::to_string(node.as_integer()->get());
        const auto* a = node.as_array();
        if (!a || a->size() != 2 || !(*a)[0].is_integer() || !(*a)[1].is_integer())
          fail(key, allows.empty() ? util::describe(kind) : allows);
        return util::format_size2(Size2((*a)[0].as_integer()->get(), (*a)[1].as_integer()->get()));
      }
      case optim::OptionKind::NumberList: {
        const auto* a = find(key)->as_array();
        constexpr std::string_view expected = "an array of numbers, e.g. [1.0, 2.0]";
        if (!a) fail(key, expected);
        std::vector<double> values;
        for (const toml::node& e : *a) {
          const double x = e.is_integer()          ? static_cast<double>(e.as_integer()->get())
                           : e.is_floating_point() ? e.as_floating_point()->get()
                                                   : std::nan("");
          if (!std::isfinite(x)) fail(key, expected);
          values.push_back(x);
        }
        return util::format_numbers(values);
      }
    }
    return {};
  }

  // Runs a factory's check; its OptionError becomes a ConfigError naming this file and key.
  template <class Check>
  void check_options(std::string_view for_name, Check&& check) const {
    try {
      check();
    } catch (const OptionError& e) {
      if (find(e.option())) fail(e.option(), e.expected());
      missing(e.option(), "for " + std::string(for_name) + ": expected " + e.expected());
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

}  // namespace descent::train::config_reader
