#include "descent/nn/tensor_init_type.hpp"

#include <array>
#include <cctype>

#include "descent/error.hpp"
#include "descent/nn/init.hpp"
#include "descent/util/join.hpp"
#include "descent/util/number_text.hpp"
#include "descent/util/option_field.hpp"
#include "descent/util/split.hpp"

namespace descent::nn {
namespace {

using Args = std::span<const double>;

constexpr std::array<std::string_view, 1> kVal = {"val"};
constexpr std::array<std::string_view, 2> kMeanStd = {"mean", "std"};
constexpr std::array<std::string_view, 2> kAB = {"a", "b"};

void keep(const Tensor&, Args, Generator&) {}

// torch.nn.init.normal_ and uniform_ refuse these (torch.normal: "std >= 0.0"; uniform_: "from <= to").
std::string std_at_least_zero(Args a) { return a[1] >= 0 ? "" : "std >= 0"; }
std::string a_at_most_b(Args a) { return a[0] <= a[1] ? "" : "a <= b"; }

const std::array<TensorInitType, 10> kTensorInits = {{
    {"default",
     "what the layer draws without the key: PyTorch's reset_parameters, or the MLP form's init",
     {},
     false,
     nullptr,
     keep},
    {"zeros", "0 everywhere (zeros_)", {}, false, nullptr, [](const Tensor& t, Args, Generator&) { init::zeros_(t); }},
    {"ones", "1 everywhere (ones_)", {}, false, nullptr, [](const Tensor& t, Args, Generator&) { init::ones_(t); }},
    {"constant", "VAL everywhere (constant_)", kVal, false, nullptr,
     [](const Tensor& t, Args a, Generator&) { init::constant_(t, a[0]); }},
    {"normal", "N(MEAN, STD^2) (normal_); STD >= 0", kMeanStd, false, std_at_least_zero,
     [](const Tensor& t, Args a, Generator& gen) { init::normal_(t, a[0], a[1], &gen); }},
    {"uniform", "U(A, B) (uniform_); A <= B", kAB, false, a_at_most_b,
     [](const Tensor& t, Args a, Generator& gen) { init::uniform_(t, a[0], a[1], &gen); }},
    {"xavier_uniform",
     "U(-b, b), b = sqrt(6 / (fan_in + fan_out)) (xavier_uniform_, gain 1)",
     {},
     true,
     nullptr,
     [](const Tensor& t, Args, Generator& gen) { init::xavier_uniform_(t, 1.0, &gen); }},
    {"xavier_normal",
     "N(0, 2 / (fan_in + fan_out)) (xavier_normal_, gain 1)",
     {},
     true,
     nullptr,
     [](const Tensor& t, Args, Generator& gen) { init::xavier_normal_(t, 1.0, &gen); }},
    {"kaiming_uniform",
     "U(-b, b), b = sqrt(6 / fan_in) (kaiming_uniform_: a = 0, fan_in, leaky_relu: gain sqrt(2))",
     {},
     true,
     nullptr,
     [](const Tensor& t, Args, Generator& gen) {
       init::kaiming_uniform_(t, 0.0, init::FanMode::FanIn, "leaky_relu", &gen);
     }},
    {"kaiming_normal",
     "N(0, 2 / fan_in) (kaiming_normal_: a = 0, fan_in, leaky_relu: gain sqrt(2))",
     {},
     true,
     nullptr,
     [](const Tensor& t, Args, Generator& gen) {
       init::kaiming_normal_(t, 0.0, init::FanMode::FanIn, "leaky_relu", &gen);
     }},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const TensorInitType* find_row(std::string_view name) {
  for (const TensorInitType& t : kTensorInits)
    if (t.name == name) return &t;
  return nullptr;
}

// "normal(MEAN, STD) with 2 numbers", "zeros without numbers".
std::string form_with_count(const TensorInitType& type) {
  const std::size_t n = type.params.size();
  if (n == 0) return tensor_init_form(type) + " without numbers";
  return tensor_init_form(type) + " with " + std::to_string(n) + (n == 1 ? " number" : " numbers");
}

[[noreturn]] void reject(std::string_view owner, InitParam param, std::string_view text, const std::string& expected) {
  util::reject_option(owner, init_key(param), text, expected);
}

}  // namespace

bool TensorInit::is_default() const { return type == nullptr || type->name == "default"; }

void TensorInit::apply(const Tensor& t, Generator& gen) const {
  if (type) type->apply(t, args, gen);
}

std::span<const TensorInitType> tensor_init_types() { return kTensorInits; }

std::string tensor_init_form(const TensorInitType& type) {
  if (type.params.empty()) return std::string(type.name);
  std::vector<std::string> upper;
  for (std::string_view p : type.params) {
    std::string u(p);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper.push_back(u);
  }
  return std::string(type.name) + "(" + util::join(upper) + ")";
}

std::string tensor_init_forms(InitParam param) {
  std::vector<std::string> forms;
  for (const TensorInitType& t : kTensorInits)
    if (param == InitParam::Weight || !t.needs_fans) forms.push_back(tensor_init_form(t));
  return util::join(forms);
}

std::string_view init_key(InitParam param) { return param == InitParam::Weight ? "weight_init" : "bias_init"; }

TensorInit parse_tensor_init(std::string_view text, InitParam param, std::string_view owner) {
  const std::string forms = tensor_init_forms(param);
  const std::string_view call = trim(text);
  const std::size_t open = call.find('(');
  const TensorInitType* type = find_row(trim(call.substr(0, open)));
  if (!type) reject(owner, param, text, "one of " + forms);
  if (param == InitParam::Bias && type->needs_fans)
    reject(owner, param, text,
           "one of " + forms + " (" + std::string(type->name) +
               " needs fan_in and fan_out, which a tensor of fewer than 2 dimensions has not: a bias has 1)");
  const std::string expected_form = form_with_count(*type) + " (the inits: " + forms + ")";
  TensorInit out{type, {}};
  if (open != std::string_view::npos) {
    if (call.back() != ')' || type->params.empty()) reject(owner, param, text, expected_form);
    for (const std::string& part : util::split(call.substr(open + 1, call.size() - open - 2), ',')) {
      const std::optional<double> x = util::parse_number(trim(part));
      if (!x) reject(owner, param, text, expected_form);
      out.args.push_back(*x);
    }
  }
  if (out.args.size() != type->params.size()) reject(owner, param, text, expected_form);
  if (type->check_args)
    if (const std::string problem = type->check_args(out.args); !problem.empty())
      reject(owner, param, text, problem + " in " + tensor_init_form(*type));
  return out;
}

}  // namespace descent::nn
