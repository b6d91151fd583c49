#include "descent/nn/losses/loss_type.hpp"

#include <algorithm>

#include "descent/error.hpp"
#include "descent/util/join.hpp"

namespace descent::nn {

std::string_view describe(LossTargets targets) {
  switch (targets) {
    case LossTargets::ClassLabels: return "class labels";
    case LossTargets::Values: return "targets as given or one-hot";
    case LossTargets::Pairs: return "pairs";
  }
  return "";
}

std::vector<std::string> loss_type_names() {
  std::vector<std::string> names;
  for (const LossType* type : loss_types()) names.emplace_back(type->name);
  std::sort(names.begin(), names.end());
  return names;
}

const LossType& find_loss_type(std::string_view name) {
  for (const LossType* type : loss_types())
    if (type->name == name) return *type;
  throw ValueError("unknown loss \"" + std::string(name) + "\" (known: " + util::join(loss_type_names()) + ")");
}

}  // namespace descent::nn
