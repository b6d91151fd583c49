#pragma once
// Options by name. Every options struct (SGDOptions, AdamOptions, StepLROptions, ...) lists its
// fields once, as OptionFields: PyTorch's name and the member it sets. From that one table the
// factories read options written as text ({"lr", "0.05"}, {"betas", "0.9,0.999"}), the config reader
// learns what TOML type each key takes, and an optimizer's state dict saves and restores the numbers
// of each parameter group. A field may also say which values it allows (.at_least(1), .in(0, 1)) and
// that it must be given (.required()): the layers' options (nn/layer_type.hpp) are checked and
// documented from that.
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "descent/tensor/size2.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::util {

using NameValuePairs = std::vector<std::pair<std::string, std::string>>;

// What an option holds, and how it is written as text.
enum class OptionKind {
  Number,       // 0.05, 1e-3, 3
  Integer,      // 30
  Flag,         // true | false
  NumberPair,   // 0.9,0.999
  Text,         // min
  IntegerList,  // 30,80
  Size2,        // 3 (both), or 3,1 (height, width)
  NumberList,   // 1,2.5 (an empty text is an empty list)
};

// The values a number, integer or Size2 option allows (both of a Size2's): min <= x (min < x when
// `above`) and x <= max; unbounded by default.
struct Limits {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool above = false;
  constexpr bool admits(double x) const { return (above ? x > min : x >= min) && x <= max; }
};

// One field of an options struct O, type-erased: made by field<&O::member>("name").
template <class O>
struct OptionField {
  std::string_view name;
  OptionKind kind;
  // Sets the field from text; false when the text is not of the field's kind.
  bool (*parse)(O& o, std::string_view text);
  // The value as text, in the form parse() reads.
  std::string (*format)(const O& o);
  // The value as numbers: none (text, lists), one, or two (a pair, named "name[0]" and "name[1]").
  int numbers;
  double (*get_number)(const O& o, int index);
  void (*set_number)(O& o, int index, double value);
  // Whether the value is within `limits`: checked by options_from_text for each option given.
  bool (*within)(const O& o, const Limits& limits);
  Limits limits{};
  bool is_required = false;
  std::string_view default_text{};  // shown instead of the default value when set ("kernel_size")

  constexpr OptionField at_least(double min) const { return with_limits({.min = min}); }
  constexpr OptionField above(double min) const { return with_limits({.min = min, .above = true}); }
  constexpr OptionField in(double min, double max) const { return with_limits({.min = min, .max = max}); }
  constexpr OptionField required() const {
    OptionField f = *this;
    f.is_required = true;
    return f;
  }
  constexpr OptionField shown_default(std::string_view text) const {
    OptionField f = *this;
    f.default_text = text;
    return f;
  }

 private:
  constexpr OptionField with_limits(Limits l) const {
    OptionField f = *this;
    f.limits = l;
    return f;
  }
};

// One option as the factories describe it: name, kind, its default written as text, the values it
// allows ("an integer out_channels >= 1", as messages say it) and whether it must be given.
struct OptionInfo {
  std::string name;
  OptionKind kind;
  std::string default_value;
  std::string allows{};
  bool required = false;
};

// "a number", "an integer", "true or false", ...
std::string_view describe(OptionKind kind);
// What an option of that name, kind and limits allows: describe(kind) when unbounded, else
// "p in [0, 1]", "beta > 0", "an integer out_channels >= 1", "kernel_size >= 1, an integer or
// [height, width]".
std::string allowed_values(std::string_view name, OptionKind kind, const Limits& limits);

// Text to values; nullopt when the text is not of that form. Numbers must be finite.
std::optional<double> parse_number(std::string_view text);
std::optional<std::int64_t> parse_integer(std::string_view text);
std::optional<bool> parse_flag(std::string_view text);
std::optional<std::pair<double, double>> parse_number_pair(std::string_view text);
std::optional<std::vector<std::int64_t>> parse_integer_list(std::string_view text);
std::optional<Size2> parse_size2(std::string_view text);

// Integers separated by commas: 30,80.
std::string format_integers(const std::vector<std::int64_t>& values);
// 3 when height and width are equal, else 3,1.
std::string format_size2(Size2 s);
std::optional<std::vector<double>> parse_number_list(std::string_view text);
// Numbers separated by commas, each as format_number writes it: 1,2.5.
std::string format_numbers(const std::vector<double>& values);
// Numbers separated by commas, each as format_number writes it: 1,2.5.
std::string format_numbers(const std::vector<double>& values);

// Throws OptionError "owner: key = value: expected ..."; `key` may index into the option ("betas[0]").
[[noreturn]] void reject_option(std::string_view owner, std::string_view key, std::string_view value,
                                std::string_view expected);
// Range checks of the options structs: reject_option(owner, key, format_number(value), expected) unless ok.
void check_option(bool ok, std::string_view owner, std::string_view key, double value, std::string_view expected);

template <class O>
const OptionField<O>* find_field(std::string_view name) {
  for (const OptionField<O>& f : O::fields())
    if (f.name == name) return &f;
  return nullptr;
}

template <class O>
std::vector<std::string> field_names() {
  std::vector<std::string> out;
  for (const OptionField<O>& f : O::fields()) out.emplace_back(f.name);
  return out;
}

template <class O>
std::string allowed_values(const OptionField<O>& f) {
  return allowed_values(f.name, f.kind, f.limits);
}

template <class O>
std::vector<OptionInfo> option_infos() {
  const O defaults{};
  std::vector<OptionInfo> out;
  for (const OptionField<O>& f : O::fields())
    out.push_back({std::string(f.name), f.kind,
                   f.default_text.empty() ? f.format(defaults) : std::string(f.default_text), allowed_values(f),
                   f.is_required});
  return out;
}

// Options from name/value text pairs over O's defaults, then O::check(). An unknown or repeated name
// is a ValueError naming it and listing O's options; a value not of its option's kind or outside its
// limits, or a required option not given, an OptionError.
template <class O>
O options_from_text(const NameValuePairs& pairs);

// options_from_text for its checks alone.
template <class O>
void check_options_text(const NameValuePairs& pairs) {
  (void)options_from_text<O>(pairs);
}

// The numeric fields (numbers, integers, flags as 0 or 1, pairs as "name[0]" and "name[1]") as
// name/value pairs: what an optimizer's state dict keeps of each parameter group.
template <class O>
std::vector<std::pair<std::string, double>> numeric_fields(const O& o) {
  std::vector<std::pair<std::string, double>> out;
  for (const OptionField<O>& f : O::fields()) {
    if (f.numbers == 1) out.emplace_back(std::string(f.name), f.get_number(o, 0));
    for (int i = 0; f.numbers == 2 && i < 2; ++i)
      out.emplace_back(std::string(f.name) + "[" + std::to_string(i) + "]", f.get_number(o, i));
  }
  return out;
}

// Sets a numeric field named as numeric_fields() names it; false when there is none of that name.
template <class O>
bool set_numeric_field(O& o, std::string_view name, double value) {
  for (const OptionField<O>& f : O::fields()) {
    if (f.numbers == 1 && name == f.name) {
      f.set_number(o, 0, value);
      return true;
    }
    for (int i = 0; f.numbers == 2 && i < 2; ++i)
      if (name == std::string(f.name) + "[" + std::to_string(i) + "]") {
        f.set_number(o, i, value);
        return true;
      }
  }
  return false;
}

// ---- implementation ----

namespace detail {

template <class T>
struct MemberOf;
template <class O, class V>
struct MemberOf<V O::*> {
  using Object = O;
  using Value = V;
};

template <class V>
constexpr OptionKind kind_for() {
  if constexpr (std::is_same_v<V, double>) return OptionKind::Number;
  else if constexpr (std::is_same_v<V, std::int64_t>) return OptionKind::Integer;
  else if constexpr (std::is_same_v<V, bool>) return OptionKind::Flag;
  else if constexpr (std::is_same_v<V, std::pair<double, double>>) return OptionKind::NumberPair;
  else if constexpr (std::is_same_v<V, std::string>) return OptionKind::Text;
  else if constexpr (std::is_same_v<V, Size2>) return OptionKind::Size2;
  else if constexpr (std::is_same_v<V, std::vector<double>>) return OptionKind::NumberList;
  else {
    static_assert(std::is_same_v<V, std::vector<std::int64_t>>,
                  "an option is a number, integer, flag, pair, text or list");
    return OptionKind::IntegerList;
  }
}

template <class V>
std::optional<V> parse_value(std::string_view text) {
  if constexpr (std::is_same_v<V, double>) return parse_number(text);
  else if constexpr (std::is_same_v<V, std::int64_t>) return parse_integer(text);
  else if constexpr (std::is_same_v<V, bool>) return parse_flag(text);
  else if constexpr (std::is_same_v<V, std::pair<double, double>>) return parse_number_pair(text);
  else if constexpr (std::is_same_v<V, std::string>) return std::string(text);
  else if constexpr (std::is_same_v<V, Size2>) return parse_size2(text);
  else if constexpr (std::is_same_v<V, std::vector<double>>) return parse_number_list(text);
  else return parse_integer_list(text);
}

template <class V>
std::string format_value(const V& v) {
  if constexpr (std::is_same_v<V, double>) return format_number(v);
  else if constexpr (std::is_same_v<V, std::int64_t>) return std::to_string(v);
  else if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
  else if constexpr (std::is_same_v<V, std::pair<double, double>>)
    return format_number(v.first) + "," + format_number(v.second);
  else if constexpr (std::is_same_v<V, std::string>) return v;
  else if constexpr (std::is_same_v<V, Size2>) return format_size2(v);
  else if constexpr (std::is_same_v<V, std::vector<double>>) return format_numbers(v);
  else return format_integers(v);
}

template <class V>
constexpr int numbers_in() {
  if constexpr (std::is_arithmetic_v<V>) return 1;
  else if constexpr (std::is_same_v<V, std::pair<double, double>>) return 2;
  else return 0;
}

[[noreturn]] void reject_name(std::string_view owner, std::string_view name, const std::vector<std::string>& known,
                              bool repeated);
[[noreturn]] void reject_missing(std::string_view owner, std::string_view name, std::string_view expected);

template <class V>
constexpr bool within(const V& v, const Limits& limits) {
  if constexpr (std::is_same_v<V, Size2>)
    return limits.admits(static_cast<double>(v.h)) && limits.admits(static_cast<double>(v.w));
  else if constexpr (std::is_arithmetic_v<V> && !std::is_same_v<V, bool>) return limits.admits(static_cast<double>(v));
  else return true;
}

}  // namespace detail

template <auto Member>
constexpr OptionField<typename detail::MemberOf<decltype(Member)>::Object> field(std::string_view name) {
  using O = typename detail::MemberOf<decltype(Member)>::Object;
  using V = typename detail::MemberOf<decltype(Member)>::Value;
  return {
      name,
      detail::kind_for<V>(),
      [](O& o, std::string_view text) {
        std::optional<V> v = detail::parse_value<V>(text);
        if (v) o.*Member = std::move(*v);
        return v.has_value();
      },
      [](const O& o) { return detail::format_value(o.*Member); },
      detail::numbers_in<V>(),
      [](const O& o, [[maybe_unused]] int index) -> double {
        if constexpr (detail::numbers_in<V>() == 1) return static_cast<double>(o.*Member);
        else if constexpr (detail::numbers_in<V>() == 2) return index == 0 ? (o.*Member).first : (o.*Member).second;
        else return 0.0;
      },
      []([[maybe_unused]] O& o, [[maybe_unused]] int index, [[maybe_unused]] double value) {
        if constexpr (detail::numbers_in<V>() == 1) o.*Member = static_cast<V>(value);
        else if constexpr (detail::numbers_in<V>() == 2) (index == 0 ? (o.*Member).first : (o.*Member).second) = value;
      },
      [](const O& o, const Limits& limits) { return detail::within(o.*Member, limits); },
      Limits{},
      false,
      std::string_view{},
  };
}

template <class O>
O options_from_text(const NameValuePairs& pairs) {
  O o{};
  std::vector<std::string_view> seen;
  for (const auto& [name, text] : pairs) {
    const OptionField<O>* field = find_field<O>(name);
    bool repeated = false;
    for (std::string_view s : seen) repeated = repeated || s == name;
    if (!field || repeated) detail::reject_name(O::kName, name, field_names<O>(), repeated);
    seen.push_back(name);
    if (!field->parse(o, text) || !field->within(o, field->limits))
      reject_option(O::kName, name, text, allowed_values(*field));
  }
  for (const OptionField<O>& f : O::fields()) {
    bool given = false;
    for (std::string_view s : seen) given = given || s == f.name;
    if (f.is_required && !given) detail::reject_missing(O::kName, f.name, allowed_values(f));
  }
  o.check();
  return o;
}

}  // namespace descent::util
