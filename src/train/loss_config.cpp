// LossConfig's options read back with the loss's defaults (the struct is declared in config.hpp).
#include <optional>

#include "descent/error.hpp"
#include "descent/nn/losses/loss_type.hpp"
#include "descent/train/config.hpp"

namespace descent::train {

std::string LossConfig::option(std::string_view key) const {
  for (const auto& [k, text] : options)
    if (k == key) return text;
  for (const nn::LossOption& o : nn::find_loss_type(name).options())
    if (o.name == key) return o.default_value;
  throw ValueError("loss " + name + " has no option " + std::string(key));
}

double LossConfig::number(std::string_view key) const {
  const std::optional<double> x = util::parse_number(option(key));
  if (!x) throw ValueError("loss." + std::string(key) + " = " + option(key) + ": not a number");
  return *x;
}

std::vector<double> LossConfig::numbers(std::string_view key) const {
  const std::optional<std::vector<double>> x = util::parse_number_list(option(key));
  if (!x) throw ValueError("loss." + std::string(key) + " = " + option(key) + ": not a list of numbers");
  return *x;
}

}  // namespace descent::train
