#include "descent/optim/optimizer_spec.hpp"

#include <array>

#include "descent/error.hpp"
#include "descent/optim/adadelta.hpp"
#include "descent/optim/adagrad.hpp"
#include "descent/optim/adam.hpp"
#include "descent/optim/adamw.hpp"
#include "descent/optim/rmsprop.hpp"
#include "descent/optim/sgd.hpp"

namespace descent::optim {
namespace {

// One row per optimizer. make() with no parameters only parses and checks the options.
struct OptimizerEntry {
  std::string_view name;
  std::unique_ptr<Optimizer> (*make)(const NameValuePairs& options, NamedParameters* params);
  std::vector<OptionInfo> (*options)();
};

template <class Rule>
std::unique_ptr<Optimizer> make(const NameValuePairs& options, NamedParameters* params) {
  const auto o = options_from_text<typename Rule::Options>(options);
  if (!params) return nullptr;
  return std::make_unique<Rule>(std::move(*params), o);
}

template <class Rule>
OptimizerEntry entry(std::string_view name) {
  return {name, make<Rule>, option_infos<typename Rule::Options>};
}

const std::array<OptimizerEntry, 6> kOptimizers = {entry<SGD>("sgd"),           entry<Adagrad>("adagrad"),
                                                   entry<Adadelta>("adadelta"), entry<RMSprop>("rmsprop"),
                                                   entry<Adam>("adam"),         entry<AdamW>("adamw")};

const OptimizerEntry& find_optimizer(const std::string& name) {
  for (const OptimizerEntry& e : kOptimizers)
    if (e.name == name) return e;
  std::vector<std::string_view> known;
  for (const OptimizerEntry& e : kOptimizers) known.push_back(e.name);
  throw ValueError("unknown optimizer \"" + name + "\" (known: " + join(known) + ")");
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, NamedParameters params) {
  return find_optimizer(spec.name).make(spec.options, &params);
}

void check_optimizer_spec(const OptimizerSpec& spec) { find_optimizer(spec.name).make(spec.options, nullptr); }

std::vector<std::string> optimizer_names() {
  std::vector<std::string> out;
  for (const OptimizerEntry& e : kOptimizers) out.emplace_back(e.name);
  return out;
}

std::vector<std::string> optimizer_option_names(const std::string& name) {
  std::vector<std::string> out;
  for (const OptionInfo& info : find_optimizer(name).options()) out.push_back(info.name);
  return out;
}

std::vector<OptionInfo> optimizer_options(const std::string& name) { return find_optimizer(name).options(); }

}  // namespace descent::optim
