#include "descent/nn/activation.hpp"

#include "descent/autograd/ops/activation.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"

namespace descent::nn {

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return tanh(input); }
Tensor ReLU::forward(const Tensor& input) { return relu(input); }
Tensor LeakyReLU::forward(const Tensor& input) { return leaky_relu(input, slope_); }
Tensor ELU::forward(const Tensor& input) { return elu(input, alpha_); }
Tensor GELU::forward(const Tensor& input) { return gelu(input); }
Tensor Softplus::forward(const Tensor& input) { return softplus(input, beta_, threshold_); }
Tensor Softmax::forward(const Tensor& input) { return softmax(input, dim_); }
Tensor LogSoftmax::forward(const Tensor& input) { return log_softmax(input, dim_); }

std::string LeakyReLU::describe() const { return "LeakyReLU(negative_slope=" + python_float(slope_) + ")"; }
std::string ELU::describe() const { return "ELU(alpha=" + python_float(alpha_) + ")"; }
// PyTorch's defaults here are ints (beta=1, threshold=20) and print without ".0".
std::string Softplus::describe() const {
  return "Softplus(beta=" + python_number(beta_) + ", threshold=" + python_number(threshold_) + ")";
}

// ---- the registry's entries (descent/nn/layer_type.hpp) ----

namespace {

using entry::NameValuePairs;
using util::field;
using util::OptionField;

struct LeakyReLUArgs {
  static constexpr std::string_view kName = "LeakyReLU";
  double negative_slope = 0.01;
  static std::span<const OptionField<LeakyReLUArgs>> fields() {
    static constexpr OptionField<LeakyReLUArgs> kFields[] = {field<&LeakyReLUArgs::negative_slope>("negative_slope")};
    return kFields;
  }
  void check() const {}
};

struct ELUArgs {
  static constexpr std::string_view kName = "ELU";
  double alpha = 1.0;
  static std::span<const OptionField<ELUArgs>> fields() {
    static constexpr OptionField<ELUArgs> kFields[] = {field<&ELUArgs::alpha>("alpha")};
    return kFields;
  }
  void check() const {}
};

struct SoftplusArgs {
  static constexpr std::string_view kName = "Softplus";
  double beta = 1.0, threshold = 20.0;
  static std::span<const OptionField<SoftplusArgs>> fields() {
    static constexpr OptionField<SoftplusArgs> kFields[] = {field<&SoftplusArgs::beta>("beta").above(0),
                                                            field<&SoftplusArgs::threshold>("threshold")};
    return kFields;
  }
  void check() const {}
};

struct SoftmaxArgs {
  static constexpr std::string_view kName = "Softmax";
  std::int64_t dim = -1;
  static std::span<const OptionField<SoftmaxArgs>> fields() {
    static constexpr OptionField<SoftmaxArgs> kFields[] = {field<&SoftmaxArgs::dim>("dim")};
    return kFields;
  }
  void check() const {}
};

// The output keeps the input's shape; dim must be one of its dimensions (with the batch's).
ExampleShape softmax_shape(const NameValuePairs& options, const ExampleShape& input_shape) {
  const std::int64_t dim = util::options_from_text<SoftmaxArgs>(options).dim;
  const auto rank = static_cast<std::int64_t>(input_shape.size()) + 1;
  if (dim < -rank || dim >= rank)
    throw LayerInputError("dim", "a dimension in [" + std::to_string(-rank) + ", " + std::to_string(rank - 1) + "]");
  return input_shape;
}

template <class M>
LayerType softmax_entry(std::string_view name, std::string_view summary) {
  return {
      .name = name,
      .summary = summary,
      .options = util::option_infos<SoftmaxArgs>,
      .check = util::check_options_text<SoftmaxArgs>,
      .make = [](const NameValuePairs& options, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<M>(util::options_from_text<SoftmaxArgs>(options).dim);
      },
      .output_shape = softmax_shape,
      .activation = true,
  };
}

}  // namespace

const LayerType& relu_layer() {
  static const LayerType type = entry::activation<ReLU>("relu", "max(0, x)");
  return type;
}

const LayerType& sigmoid_layer() {
  static const LayerType type = entry::activation<Sigmoid>("sigmoid", "1 / (1 + e^-x)");
  return type;
}

const LayerType& tanh_layer() {
  static const LayerType type = entry::activation<Tanh>("tanh", "tanh x");
  return type;
}

const LayerType& gelu_layer() {
  static const LayerType type = entry::activation<GELU>("gelu", "x Phi(x), Phi the normal CDF (the exact erf form)");
  return type;
}

const LayerType& leaky_relu_layer() {
  static const LayerType type{
      .name = "leaky_relu",
      .summary = "x > 0 ? x : negative_slope x",
      .options = util::option_infos<LeakyReLUArgs>,
      .check = util::check_options_text<LeakyReLUArgs>,
      .make = [](const NameValuePairs& options, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<LeakyReLU>(util::options_from_text<LeakyReLUArgs>(options).negative_slope);
      },
      .output_shape = entry::same_shape,
      .activation = true,
  };
  return type;
}

const LayerType& elu_layer() {
  static const LayerType type{
      .name = "elu",
      .summary = "x > 0 ? x : alpha (e^x - 1)",
      .options = util::option_infos<ELUArgs>,
      .check = util::check_options_text<ELUArgs>,
      .make = [](const NameValuePairs& options, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        return std::make_shared<ELU>(util::options_from_text<ELUArgs>(options).alpha);
      },
      .output_shape = entry::same_shape,
      .activation = true,
  };
  return type;
}

const LayerType& softplus_layer() {
  static const LayerType type{
      .name = "softplus",
      .summary = "log(1 + e^(beta x)) / beta, x itself where beta x > threshold",
      .options = util::option_infos<SoftplusArgs>,
      .check = util::check_options_text<SoftplusArgs>,
      .make = [](const NameValuePairs& options, const ExampleShape&, Dtype, Generator&) -> std::shared_ptr<Module> {
        const SoftplusArgs a = util::options_from_text<SoftplusArgs>(options);
        return std::make_shared<Softplus>(a.beta, a.threshold);
      },
      .output_shape = entry::same_shape,
      .activation = true,
  };
  return type;
}

const LayerType& softmax_layer() {
  static const LayerType type = softmax_entry<Softmax>("softmax", "probabilities along dim: e^x / sum e^x");
  return type;
}

const LayerType& log_softmax_layer() {
  static const LayerType type =
      softmax_entry<LogSoftmax>("log_softmax", "log-probabilities along dim: x - log sum e^x");
  return type;
}

}  // namespace descent::nn
