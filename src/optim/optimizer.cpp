#include "descent/optim/optimizer.hpp"

#include <algorithm>

#include "descent/autograd/grad_mode.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/util/join.hpp"

namespace descent::optim {
namespace {

constexpr std::string_view kGroupPrefix = "param_groups.";
constexpr std::string_view kStepSuffix = ".step";

// A copy that shares nothing with `t`, in `dtype`.
Tensor copy_of(const Tensor& t, Dtype dtype) {
  Tensor out = Tensor::empty(t.shape(), dtype);
  kernels::copy_(out, t);
  return out;
}

}  // namespace

Tensor regularized_grad(const Tensor& grad, const Tensor& param, bool maximize, double weight_decay) {
  if (!maximize && weight_decay == 0) return grad;
  Tensor g = kernels::affine(grad, maximize ? -1.0 : 1.0, 0.0);
  if (weight_decay != 0) kernels::add_(g, param, weight_decay);
  return g;
}

Tensor& ParamState::buffer(const std::string& name, const Tensor& like, double fill) {
  Tensor& b = buffers[name];
  if (!b.defined()) b = full(like.shape(), fill, like.dtype());
  return b;
}

void Optimizer::add_group(NamedParameters params) {
  const std::string who(name());
  if (params.empty()) throw ValueError(who + ": got an empty parameter list");
  for (const auto& [pname, p] : params) {
    const std::string what = who + ": parameter " + util::double_quoted(pname);
    if (!p.defined()) throw ValueError(what + " is an undefined tensor");
    if (!p.is_leaf() || !p.requires_grad()) throw ValueError(what + " must be a leaf tensor that requires grad");
    if (!p.is_contiguous()) throw ValueError(what + " must be contiguous");
    for (const auto& [other, q] : params)
      if (&other != &pname && (other == pname || q.same(p)))
        throw ValueError(what + " appears twice in one parameter group");
    for (const NamedParameters& group : groups_)
      for (const auto& [other, q] : group)
        if (other == pname || q.same(p)) throw ValueError(what + " is already in another parameter group");
  }
  groups_.push_back(std::move(params));
}

NamedParameters Optimizer::name_by_position(const std::vector<Tensor>& params) const {
  std::size_t start = 0;
  for (const NamedParameters& g : groups_) start += g.size();
  NamedParameters out;
  for (std::size_t i = 0; i < params.size(); ++i) out.emplace_back(std::to_string(start + i), params[i]);
  return out;
}

const NamedParameters& Optimizer::param_group(std::size_t group) const { return groups_.at(group); }

NamedParameters Optimizer::named_parameters() const {
  NamedParameters out;
  for (const NamedParameters& g : groups_) out.insert(out.end(), g.begin(), g.end());
  return out;
}

const Tensor* Optimizer::find_parameter(std::string_view name) const {
  for (const NamedParameters& g : groups_)
    for (const auto& [n, p] : g)
      if (n == name) return &p;
  return nullptr;
}

bool Optimizer::has_option(std::string_view option) const {
  for (const auto& [name, value] : group_options(0))
    if (name == option) return true;
  return false;
}

void Optimizer::set_lr(double lr) {
  for (std::size_t g = 0; g < groups_.size(); ++g) set_lr(lr, g);
}

void Optimizer::step() {
  NoGradGuard no_grad;
  std::size_t k = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [name, p] : groups_[g]) {
      const std::size_t index = k++;
      const Tensor grad = p.grad();
      if (!grad.defined()) continue;
      ParamState& s = state_at(index, name);
      ++s.step;
      update_parameter(g, p, grad, s);
    }
}

ParamState& Optimizer::state_at(std::size_t index, const std::string& name) {
  if (state_of_.size() <= index) state_of_.resize(index + 1, nullptr);
  if (!state_of_[index]) {
    auto it = state_.find(name);
    if (it == state_.end()) it = state_.emplace(name, ParamState{}).first;
    state_of_[index] = &it->second;
  }
  return *state_of_[index];
}

Optimizer::Place Optimizer::place_of(const Tensor& param) const {
  std::size_t k = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [name, p] : groups_[g]) {
      if (p.impl() == param.impl()) return {.group = g, .index = k, .name = &name};
      ++k;
    }
  return {};
}

std::optional<double> Optimizer::plain_rate(const Tensor& param) const {
  const Place at = place_of(param);
  if (!at.name) return std::nullopt;
  return plain_rate_of(at.group);
}

void Optimizer::stepped(const Tensor& param) {
  const Place at = place_of(param);
  if (!at.name) throw ValueError("Optimizer::stepped: the parameter is not one of this optimizer's");
  ++state_at(at.index, *at.name).step;
}

void Optimizer::zero_grad(bool set_to_none) {
  for (const NamedParameters& g : groups_)
    for (const auto& [name, p] : g) {
      if (set_to_none) p.set_grad(Tensor());
      else if (p.grad().defined()) fill_(p.grad(), 0.0);
    }
}

const ParamState* Optimizer::state(std::string_view parameter) const {
  const auto it = state_.find(parameter);
  return it == state_.end() ? nullptr : &it->second;
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState out;
  for (const auto& [name, s] : state_) {
    out.scalars[name + std::string(kStepSuffix)] = static_cast<double>(s.step);
    for (const auto& [buffer, t] : s.buffers)
      if (t.defined()) out.tensors[name + "." + buffer] = copy_of(t, t.dtype());
  }
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [option, value] : group_options(g))
      out.scalars[std::string(kGroupPrefix) + std::to_string(g) + "." + option] = value;
  return out;
}

void Optimizer::load_state_dict(const OptimizerState& in) {
  const std::string who = std::string(name()) + ": load_state_dict: ";
  std::map<std::string, ParamState, std::less<>> fresh;
  for (const auto& [key, t] : in.tensors) {
    const std::size_t dot = key.rfind('.');
    const std::string param = key.substr(0, dot), buffer = dot == key.npos ? "" : key.substr(dot + 1);
    const Tensor* p = dot == key.npos ? nullptr : find_parameter(param);
    if (!p) throw ValueError(who + "key " + util::double_quoted(key) + " names no parameter of this optimizer");
    const auto known = buffer_names();
    if (std::find(known.begin(), known.end(), buffer) == known.end()) {
      const std::string list = join(known);
      throw ValueError(who + "key " + util::double_quoted(key) + ": " + std::string(name()) + " keeps no buffer " +
                       util::double_quoted(buffer) + " (its buffers: " + (list.empty() ? "none" : list) + ")");
    }
    if (!t.defined() || !(t.shape() == p->shape()))
      throw ShapeError(who + "key " + util::double_quoted(key) + " has shape " +
                       (t.defined() ? to_string(t.shape()) : "(undefined)") + ", its parameter " +
                       to_string(p->shape()));
    fresh[param].buffers[buffer] = copy_of(t, p->dtype());
  }
  std::vector<OptionValues> options(groups_.size());
  for (const auto& [key, value] : in.scalars) {
    if (key.starts_with(kGroupPrefix)) {
      const std::string rest = key.substr(kGroupPrefix.size());
      const std::size_t dot = rest.find('.');
      const auto g = parse_integer(rest.substr(0, dot == rest.npos ? 0 : dot));
      if (!g || *g < 0 || static_cast<std::size_t>(*g) >= groups_.size())
        throw ValueError(who + "key " + util::double_quoted(key) +
                         " names no parameter group of this optimizer (it has " + std::to_string(groups_.size()) + ")");
      options[static_cast<std::size_t>(*g)].emplace_back(rest.substr(dot + 1), value);
    } else if (key.ends_with(kStepSuffix) && find_parameter(key.substr(0, key.size() - kStepSuffix.size()))) {
      // Below 2^63 before the cast: casting a larger value (1e308, inf) is undefined.
      if (!(value >= 0 && value < 0x1p63) || value != static_cast<double>(static_cast<std::int64_t>(value)))
        throw ValueError(who + util::double_quoted(key) + " = " + format_number(value) +
                         ": expected a whole number from 0 to 2^63");
      fresh[key.substr(0, key.size() - kStepSuffix.size())].step = static_cast<std::int64_t>(value);
    } else {
      throw ValueError(who + "key " + util::double_quoted(key) +
                       " is neither <parameter>.step of a parameter of this optimizer nor " +
                       std::string(kGroupPrefix) + "<group>.<option>");
    }
  }
  // Each group's options are checked together; on an error the groups already set get theirs back.
  std::vector<OptionValues> old;
  for (std::size_t g = 0; g < groups_.size(); ++g) old.push_back(group_options(g));
  try {
    for (std::size_t g = 0; g < groups_.size(); ++g) set_group_options(g, options[g]);
  } catch (...) {
    for (std::size_t g = 0; g < groups_.size(); ++g) set_group_options(g, old[g]);
    throw;
  }
  state_ = std::move(fresh);
  state_of_.clear();
}

}  // namespace descent::optim
