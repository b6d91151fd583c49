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
struct Entry {
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
Entry entry(std::string_view name) {
  return {name, make<Rule>, option_infos<typename Rule::Options>};
}

const std::array<Entry, 6> kOptimizers = {entry<SGD>("sgd"),           entry<Adagrad>("adagrad"),
                                          entry<Adadelta>("adadelta"), entry<RMSprop>("rmsprop"),
                                          entry<Adam>("adam"),         entry<AdamW>("adamw")};

const Entry& find(const std::string& name) {
  for (const Entry& e : kOptimizers)
    if (e.name == name) return e;
  std::vector<std::string_view> known;
  for (const Entry& e : kOptimizers) known.push_back(e.name);
  throw ValueError("unknown optimizer \"" + name + "\" (known: " + join(known) + ")");
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, NamedParameters params) {
  return find(spec.name).make(spec.options, &params);
}

void check_optimizer_spec(const OptimizerSpec& spec) { find(spec.name).make(spec.options, nullptr); }

std::vector<std::string> optimizer_names() {
  std::vector<std::string> out;
  for (const Entry& e : kOptimizers) out.emplace_back(e.name);
  return out;
}

std::vector<std::string> optimizer_option_names(const std::string& name) {
  std::vector<std::string> out;
  for (const OptionInfo& info : find(name).options()) out.push_back(info.name);
  return out;
}

std::vector<OptionInfo> optimizer_options(const std::string& name) { return find(name).options(); }

}  // namespace descent::optim
