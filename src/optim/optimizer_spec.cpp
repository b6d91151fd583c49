// The optimizer factory, for SGD alone so far: the other optimizers' branch brings the full version
// (adagrad, adadelta, rmsprop, adam, adamw) with the same interface and replaces this file.
#include "descent/optim/optimizer_spec.hpp"

#include <charconv>

#include "descent/error.hpp"
#include "descent/optim/sgd.hpp"

namespace descent::optim {
namespace {

const std::vector<std::string> kSgdOptions = {"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

[[noreturn]] void bad_value(const std::string& optimizer, const std::string& key, const std::string& value,
                            const std::string& expected) {
  throw ValueError(optimizer + ": " + key + " = " + value + ": expected " + expected);
}

double parse_number(const std::string& optimizer, const std::string& key, const std::string& value) {
  double x = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, x);
  if (value.empty() || ec != std::errc() || ptr != end) bad_value(optimizer, key, value, "a number");
  return x;
}

bool parse_bool(const std::string& optimizer, const std::string& key, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  bad_value(optimizer, key, value, "true or false");
}

}  // namespace

std::vector<std::string> optimizer_option_names(const std::string& name) {
  if (name == "sgd") return kSgdOptions;
  throw ValueError("unknown optimizer \"" + name + "\": expected sgd");
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, NamedParameters params) {
  const std::vector<std::string> known = optimizer_option_names(spec.name);
  SGDOptions o;
  for (const auto& [key, value] : spec.options) {
    if (key == "lr") {
      o.lr = parse_number(spec.name, key, value);
      if (!(o.lr >= 0)) bad_value(spec.name, key, value, "lr >= 0");  // SGD checks the rest
    }
    else if (key == "momentum") o.momentum = parse_number(spec.name, key, value);
    else if (key == "dampening") o.dampening = parse_number(spec.name, key, value);
    else if (key == "weight_decay") o.weight_decay = parse_number(spec.name, key, value);
    else if (key == "nesterov") o.nesterov = parse_bool(spec.name, key, value);
    else if (key == "maximize") o.maximize = parse_bool(spec.name, key, value);
    else throw ValueError(spec.name + ": unknown option \"" + key + "\" (options: " + joined(known) + ")");
  }
  return std::make_unique<SGD>(std::move(params), o);
}

}  // namespace descent::optim
