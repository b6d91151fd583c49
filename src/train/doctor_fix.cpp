#include "descent/train/doctor_fix.hpp"

// toml++ is used header-only (TOML_HEADER_ONLY=1, set by the build), here to edit a config's text.
#include "toml.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "descent/diagnostics/optimizer_inspection.hpp"
#include "descent/error.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"

namespace descent::train {
namespace {

using diagnostics::Finding;

std::string toml_float(double x) {
  std::string s = util::format_number(x, ".3g");
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // a float in TOML, as the key expects
  return s;
}

// The config's lr, else the optimizer's default (Adagrad's and RMSprop's 1e-2, Adadelta's 1.0).
double lr_of(const TrainConfig& config) { return diagnostics::optimizer_option(config.optim, "lr"); }

// The layer index of a parameter name ("3.weight", "tower.3.weight") or of a child name ("3"); -1 if none.
long layer_index(const std::string& where) {
  std::string s = where.rfind("tower.", 0) == 0 ? where.substr(6) : where;
  const std::size_t dot = s.find('.');
  if (dot != std::string::npos) s = s.substr(0, dot);
  try {
    std::size_t used = 0;
    const long i = std::stol(s, &used);
    return used == s.size() ? i : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

bool layer_form(const TrainConfig& c) { return !c.model.layer.empty(); }

// Each layer of the layer form whose type is one of `types`: its index.
std::vector<std::size_t> layers_of_type(const TrainConfig& c, std::initializer_list<std::string_view> types) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < c.model.layer.size(); ++i)
    for (std::string_view t : types)
      if (c.model.layer[i].type == t) found.push_back(i);
  return found;
}

std::string layer_key(std::size_t i, const std::string& key) { return "model.layer[" + std::to_string(i) + "]." + key; }

// The keys that reset the weight init of every layer to `init`: [model]'s, and each layer's own if set.
ConfigChange weight_init_change(const TrainConfig& c, const std::string& init) {
  ConfigChange change{{"model.weight_init", util::double_quoted(init)}};
  for (std::size_t i = 0; i < c.model.layer.size(); ++i)
    if (!c.model.layer[i].option("weight_init").empty())
      change.push_back({layer_key(i, "weight_init"), util::double_quoted(init)});
  return change;
}

// The layer the model's output comes from, in the layer form: the last that is not a pass-through.
long output_layer_index(const TrainConfig& c) {
  for (long i = static_cast<long>(c.model.layer.size()) - 1; i >= 0; --i) {
    const std::string& t = c.model.layer[static_cast<std::size_t>(i)].type;
    if (t != "dropout" && t != "flatten" && t != "identity") return i;
  }
  return -1;
}

// The init that keeps the signal's scale through the model's activations: He's (kaiming_uniform, gain
// sqrt(2)) for the ReLU family, Glorot's (xavier_uniform) for sigmoid and tanh, else PyTorch's default.
std::string fitting_init(const TrainConfig& c) {
  std::string act = c.model.activation;
  for (const LayerConfig& l : c.model.layer)
    if (l.type == "relu" || l.type == "leaky_relu" || l.type == "sigmoid" || l.type == "tanh" || l.type == "gelu" ||
        l.type == "elu") {
      act = l.type;
      break;
    }
  if (act == "relu" || act == "leaky_relu" || act == "gelu" || act == "elu") return "kaiming_uniform";
  if (act == "sigmoid" || act == "tanh") return "xavier_uniform";
  return "default";
}

}  // namespace

ConfigChange config_fix(const Finding& f, const TrainConfig& c) {
  const std::string& cause = f.cause;
  const double factor = f.suggestion.empty() ? NAN : f.suggestion.front();
  if (cause == "lr_too_high" || cause == "lr_too_low") return {{"optim.lr", toml_float(lr_of(c) * factor)}};
  if (cause == "exploding_gradient") {
    // An init the config chose is the likely source; else bound the steps.
    bool chosen = c.model.weight_init != "default" || (c.model.layer.empty() && c.model.init != "default");
    for (const LayerConfig& l : c.model.layer) chosen = chosen || !l.option("weight_init").empty();
    if (chosen) return weight_init_change(c, fitting_init(c));
    return {{"train.clip_grad_norm", "1.0"}};
  }
  if (cause == "uphill_update") {
    for (const auto& [key, value] : c.optim.options)
      if (key == "maximize" && value == "true") return {{"optim.maximize", "false"}};
    return {};
  }
  if (cause == "unscaled_input")
    return c.data.inputs.empty() ? ConfigChange{{"data.normalize", "\"standardize\""}} : ConfigChange{};
  if (cause == "unshuffled_data") return {{"data.shuffle", "true"}};
  if (cause == "class_imbalance") {
    if (f.severity != diagnostics::Severity::Problem || (c.loss.name != "cross_entropy" && c.loss.name != "nll"))
      return {};
    std::string list = "[";
    for (std::size_t i = 0; i < f.suggestion.size(); ++i) list += (i ? ", " : "") + toml_float(f.suggestion[i]);
    return {{"loss.weight", list + "]"}};
  }
  if (cause == "loss_output_mismatch") {
    const bool wants_sigmoid = c.loss.name == "bce";
    const bool wants_log_softmax = c.loss.name == "nll";
    const std::string activation = wants_sigmoid ? "sigmoid" : wants_log_softmax ? "log_softmax" : "none";
    if (!layer_form(c)) return {{"model.output_activation", util::double_quoted(activation)}};
    const long last = output_layer_index(c);
    if (last < 0 || activation != "none" || !c.model.layer[static_cast<std::size_t>(last)].options.empty()) return {};
    return {{layer_key(static_cast<std::size_t>(last), "type"), "\"identity\""}};
  }
  if (cause == "linear_model") return layer_form(c) ? ConfigChange{} : ConfigChange{{"model.activation", "\"relu\""}};
  if (cause == "bad_init") return weight_init_change(c, fitting_init(c));
  if (cause == "saturation") return weight_init_change(c, "xavier_uniform");
  if (cause == "vanishing_gradient") {
    // ReLU, with the init that keeps its signal's scale through depth (He et al. 2015).
    if (!layer_form(c)) return {{"model.activation", "\"relu\""}, {"model.weight_init", "\"kaiming_uniform\""}};
    ConfigChange change = weight_init_change(c, "kaiming_uniform");
    for (std::size_t i : layers_of_type(c, {"sigmoid", "tanh"}))
      if (static_cast<long>(i) != output_layer_index(c)) change.push_back({layer_key(i, "type"), "\"relu\""});
    return change;
  }
  if (cause == "dead_relu") {
    // A bias init that pushes units below zero is the usual cause; else the units' slope.
    ConfigChange change;
    for (std::size_t i = 0; i < c.model.layer.size(); ++i)
      if (!c.model.layer[i].option("bias_init").empty()) change.push_back({layer_key(i, "bias_init"), "\"default\""});
    if (!change.empty() || !c.model.layer.empty()) {
      change.insert(change.begin(), {"model.bias_init", "\"default\""});
      return change;
    }
    return {{"model.bias_init", "\"default\""}, {"model.activation", "\"leaky_relu\""}};
  }
  if (cause == "over_regularization") {
    if (f.where == "optim.weight_decay") {
      double decay = 0;
      for (const auto& [key, value] : c.optim.options)
        if (key == "weight_decay") decay = std::stod(value);
      return {{"optim.weight_decay", toml_float(decay * 0.01)}};
    }
    const long i = layer_index(f.where);
    if (i >= 0 && layer_form(c)) return {{layer_key(static_cast<std::size_t>(i), "p"), "0.2"}};
    return {};
  }
  if (cause == "bad_optimizer_setting") {
    if (f.where == "optim.betas") return {{"optim.betas", "[0.9, 0.999]"}};
    if (!f.suggestion.empty() && std::isfinite(factor)) return {{f.where, toml_float(factor)}};
    return {};
  }
  if (cause == "undertrained") {
    if (c.batch_size == kFullBatch) return {{"train.batch_size", "64"}};
    return {{"train.epochs", std::to_string(c.epochs * 10)}};
  }
  if (cause == "overfitting") {
    if (c.data.train_limit > 0) return {{"data.train_limit", "0"}};
    return {{"optim.weight_decay", c.optim.name == "adamw" ? "0.1" : "0.001"}};
  }
  return {};  // wrong_gradient, no_signal, label_mismatch, nonfinite: the data or the code, not a key
}

TrainConfig apply_config_change(const std::string& path, const ConfigChange& change) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(path + ": " + std::string(e.description()));
  }
  for (const auto& [key, value] : change) {
    // "model.layer[3].type": a path of tables, with an index into an array of tables.
    toml::table* table = &root;
    std::string rest = key;
    for (std::size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
      std::string part = rest.substr(0, dot);
      long index = -1;
      if (const std::size_t b = part.find('['); b != std::string::npos) {
        index = std::stol(part.substr(b + 1));
        part = part.substr(0, b);
      }
      toml::node* next = (*table)[part].node();
      if (!next) {
        table->insert(part, toml::table{});
        next = (*table)[part].node();
      }
      if (index >= 0) {
        toml::array* array = next->as_array();
        if (!array || static_cast<std::size_t>(index) >= array->size())
          throw ConfigError(path + ": cannot apply the fix " + key + ": no such layer");
        next = array->get(static_cast<std::size_t>(index));
      }
      table = next->as_table();
      if (!table) throw ConfigError(path + ": cannot apply the fix " + key + ": " + part + " is not a table");
    }
    toml::table parsed = toml::parse("v = " + value);
    table->insert_or_assign(rest, *parsed.get("v"));
  }
  std::ostringstream text;
  text << root;
  return parse_config_string(text.str(), path);
}

}  // namespace descent::train
