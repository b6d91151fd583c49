#pragma once
// The optimizer base. It owns the parameters, in groups, each under a stable name; the state of
// every parameter, keyed by that name; and the loops of step() and zero_grad(). A rule (SGD, Adam,
// ...) derives from OptimizerWith<ItsOptions> and writes only its per-tensor update.
//
// The state dict (OptimizerState) names everything by parameter name, never by address or position:
//   tensors  "<parameter>.<buffer>"        "0.weight.exp_avg", "0.bias.momentum_buffer"
//   scalars  "<parameter>.step"            the updates that parameter has had
//            "param_groups.<g>.<option>"   "param_groups.0.lr", "param_groups.0.betas[0]" (flags as 0 or 1)
// so a run restored from it goes on with its moments, step counts and scheduled learning rates.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/optim/option_field.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent::optim {

using NamedParameters = std::vector<std::pair<std::string, Tensor>>;

// One parameter's state: the updates it has had and its rule's buffers.
struct ParamState {
  std::int64_t step = 0;
  std::map<std::string, Tensor> buffers;

  // The buffer `name`, created on first use shaped like `like` and filled with `fill`.
  Tensor& buffer(const std::string& name, const Tensor& like, double fill = 0.0);
};

struct OptimizerState {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, double> scalars;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient, under no-grad.
  void step();
  // Drops the gradients (set_to_none, PyTorch's default) or fills them with zeros.
  void zero_grad(bool set_to_none = true);

  // An update fused into the product that makes the gradient (a captured training step does it).
  // plain_rate: the a of p <- p + a g when that is the whole of this rule's next update of `param`
  // (SGD without momentum or weight decay: -lr, or lr when maximizing); nothing for any other rule, or
  // for a parameter not in this optimizer. A caller that applies it leaves the parameter's gradient
  // undefined, so that step() passes it by, and counts the update with stepped(param), as step() would.
  std::optional<double> plain_rate(const Tensor& param) const;
  void stepped(const Tensor& param);

  // The rule's name as PyTorch spells it: "SGD", "Adam".
  virtual std::string_view name() const = 0;

  // Parameter groups in the order added; named_parameters() lists every group's in turn.
  std::size_t num_param_groups() const { return groups_.size(); }
  const NamedParameters& param_group(std::size_t group) const;
  NamedParameters named_parameters() const;

  // A group's options by PyTorch's names, numbers only (flags as 0 or 1, betas as "betas[0]" and
  // "betas[1]"). Setting them checks the result as the constructor does, all at once, and changes
  // nothing on an error. Schedulers use these.
  using OptionValues = std::vector<std::pair<std::string, double>>;
  virtual OptionValues group_options(std::size_t group) const = 0;
  virtual void set_group_options(std::size_t group, const OptionValues& values) = 0;
  void set_group_option(std::size_t group, std::string_view option, double value) {
    set_group_options(group, {{std::string(option), value}});
  }
  bool has_option(std::string_view option) const;

  // A group's learning rate; set_lr(lr) sets every group's.
  virtual double lr(std::size_t group = 0) const = 0;
  void set_lr(double lr);
  void set_lr(double lr, std::size_t group) { set_group_option(group, "lr", lr); }

  // A parameter's state by name; null before its first update.
  const ParamState* state(std::string_view parameter) const;
  // Copies of every buffer, step count and group option (see the top of this file).
  OptimizerState state_dict() const;
  // Replaces the state with `state`. Every parameter it names must be one of this optimizer's and
  // every buffer one its rule keeps, of the parameter's shape; parameters it does not name start
  // afresh; group options it holds replace the current ones. Throws ValueError, changing nothing.
  void load_state_dict(const OptimizerState& state);

 protected:
  Optimizer() = default;
  // Adds a non-empty group, checking each parameter (defined, leaf, requires grad, contiguous) and
  // that no name or tensor is in a group already.
  void add_group(NamedParameters params);
  // Names by position over all groups: the first group's parameters are "0", "1", ..., the next
  // group's continue the count.
  NamedParameters name_by_position(const std::vector<Tensor>& params) const;

  // The rule's side of plain_rate, for a group's options.
  virtual std::optional<double> plain_rate_of(std::size_t /*group*/) const { return std::nullopt; }
  // The buffers the rule keeps, for load_state_dict's checks.
  virtual std::span<const std::string_view> buffer_names() const = 0;
  // Updates `param` in place from `grad`; state.step already counts this update.
  virtual void update_parameter(std::size_t group, const Tensor& param, const Tensor& grad, ParamState& state) = 0;

 private:
  const Tensor* find_parameter(std::string_view name) const;
  // Where `param` is: its group, its position over all groups and its name; group is npos if nowhere.
  struct Place {
    std::size_t group = static_cast<std::size_t>(-1), index = 0;
    const std::string* name = nullptr;
  };
  Place place_of(const Tensor& param) const;
  // The state of the parameter at `index` (over all groups), named `name`, made on first use.
  ParamState& state_at(std::size_t index, const std::string& name);

  std::vector<NamedParameters> groups_;
  std::map<std::string, ParamState, std::less<>> state_;
  // Each parameter's entry in state_, by position over all groups, found once (map nodes do not move);
  // cleared whenever state_ is replaced.
  std::vector<ParamState*> state_of_;
};

// The gradient PyTorch's rules start from: -grad when maximizing, then + weight_decay * param (an L2
// penalty folded into the gradient). `grad` itself when neither applies, else a new tensor.
Tensor regularized_grad(const Tensor& grad, const Tensor& param, bool maximize, double weight_decay);

// What a rule shares with every other, given its options type O: one O per group, checked by
// O::check() whenever set, and reached by name through O::fields() (see option_field.hpp).
template <class O>
class OptimizerWith : public Optimizer {
 public:
  using Options = O;

  std::string_view name() const override { return O::kName; }
  const O& options(std::size_t group = 0) const { return options_.at(group); }
  double lr(std::size_t group = 0) const override { return options_.at(group).lr; }

  // Adds parameters with options of their own, as PyTorch's add_param_group.
  void add_param_group(NamedParameters params, O options) {
    options.check();
    add_group(std::move(params));
    options_.push_back(options);
  }
  void add_param_group(const std::vector<Tensor>& params, O options) {
    add_param_group(name_by_position(params), options);
  }

  OptionValues group_options(std::size_t group) const override { return numeric_fields(options_.at(group)); }
  void set_group_options(std::size_t group, const OptionValues& values) override {
    O o = options_.at(group);
    for (const auto& [option, value] : values)
      if (!set_numeric_field(o, option, value)) {
        std::vector<std::string> known;
        for (const auto& [name, v] : numeric_fields(o)) known.push_back(name);
        util::detail::reject_name(O::kName, option, known, false);
      }
    o.check();
    options_[group] = o;
  }

 protected:
  OptimizerWith() = default;
  virtual void update(const Tensor& param, const Tensor& grad, ParamState& state, const O& options) = 0;

 private:
  void update_parameter(std::size_t group, const Tensor& param, const Tensor& grad, ParamState& state) final {
    update(param, grad, state, options_[group]);
  }

  std::vector<O> options_;
};

}  // namespace descent::optim
