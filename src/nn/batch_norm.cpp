#include "descent/nn/batch_norm.hpp"

#include <string>

#include "descent/autograd/ops/normalization.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"

namespace descent::nn {

BatchNormBase::BatchNormBase(const char* name, std::int64_t num_features, BatchNormOptions options)
    : name_(name), num_features_(num_features), options_(options) {
  if (num_features < 1)
    throw ValueError(std::string(name) + "(" + std::to_string(num_features) +
                     "): expected a positive number of features");
  const Shape shape{num_features};
  if (options.affine) {
    weight_ = register_parameter("weight", ones(shape, options.dtype));
    bias_ = register_parameter("bias", zeros(shape, options.dtype));
  }
  if (options.track_running_stats) {
    running_mean_ = register_buffer("running_mean", zeros(shape, options.dtype));
    running_var_ = register_buffer("running_var", ones(shape, options.dtype));
    num_batches_tracked_ = register_buffer("num_batches_tracked", zeros(Shape{}, Dtype::Int64));
  }
}

Tensor BatchNormBase::forward(const Tensor& input) {
  check_input_dim(input);
  if (input.shape()[1] != num_features_)
    throw ShapeError(std::string(name_) + ": expected " + std::to_string(num_features_) +
                     " channels (dimension 1), got input of shape " + to_string(input.shape()));
  // PyTorch's _BatchNorm.forward: count the batch, pick the averaging factor, and use batch statistics
  // in training or when there are no running ones.
  double factor = options_.momentum.value_or(0.0);
  if (is_training() && options_.track_running_stats) {
    fill_(num_batches_tracked_, num_batches_tracked_.item() + 1);
    if (!options_.momentum) factor = 1.0 / num_batches_tracked_.item();
  }
  const bool use_batch_stats = is_training() || !options_.track_running_stats;
  return batch_norm(input, running_mean_, running_var_, weight_, bias_, use_batch_stats, factor, options_.eps);
}

std::string BatchNormBase::describe() const {
  return std::string(name_) + "(" + std::to_string(num_features_) + ", eps=" + python_float(options_.eps) +
         ", momentum=" + (options_.momentum ? python_float(*options_.momentum) : std::string("None")) +
         ", affine=" + (options_.affine ? "True" : "False") +
         ", track_running_stats=" + (options_.track_running_stats ? "True" : "False") + ")";
}

void BatchNorm1d::check_input_dim(const Tensor& input) const {
  if (input.dim() != 2 && input.dim() != 3)
    throw ShapeError("BatchNorm1d: expected 2D or 3D input (got " + std::to_string(input.dim()) + "D input of shape " +
                     to_string(input.shape()) + ")");
}

void BatchNorm2d::check_input_dim(const Tensor& input) const {
  if (input.dim() != 4)
    throw ShapeError("BatchNorm2d: expected 4D input (got " + std::to_string(input.dim()) + "D input of shape " +
                     to_string(input.shape()) + ")");
}

// ---- the registry's entries (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

struct BatchNormArgs {
  static constexpr std::string_view kName = "BatchNorm";
  double eps = BatchNormOptions{}.eps;
  double momentum = *BatchNormOptions{}.momentum;
  bool affine = BatchNormOptions{}.affine;
  bool track_running_stats = BatchNormOptions{}.track_running_stats;

  static std::span<const OptionField<BatchNormArgs>> fields() {
    static constexpr OptionField<BatchNormArgs> kFields[] = {
        field<&BatchNormArgs::eps>("eps").above(0),
        field<&BatchNormArgs::momentum>("momentum").in(0, 1),
        field<&BatchNormArgs::affine>("affine"),
        field<&BatchNormArgs::track_running_stats>("track_running_stats"),
    };
    return kFields;
  }
  void check() const {}
};

template <class M>
std::shared_ptr<Module> make_batch_norm(const util::NameValuePairs& options, const ExampleShape& in, Dtype dtype,
                                        Generator&) {
  const BatchNormArgs a = util::options_from_text<BatchNormArgs>(options);
  return std::make_shared<M>(in.at(0), BatchNormOptions{.eps = a.eps,
                                                        .momentum = a.momentum,
                                                        .affine = a.affine,
                                                        .track_running_stats = a.track_running_stats,
                                                        .dtype = dtype});
}

}  // namespace

const LayerType& batch_norm1d_layer() {
  static const LayerType type{
      .name = "batch_norm1d",
      .summary = "normalizes each feature (channel) over the batch (and length); num_features from the input",
      .options = util::option_infos<BatchNormArgs>,
      .check = util::check_options_text<BatchNormArgs>,
      .make = make_batch_norm<BatchNorm1d>,
      .output_shape =
          [](const util::NameValuePairs& options, const ExampleShape& in) {
            util::check_options_text<BatchNormArgs>(options);
            if (in.size() != 1 && in.size() != 2) throw LayerInputError("", "[features] or [channels, length]");
            return in;
          },
  };
  return type;
}

const LayerType& batch_norm2d_layer() {
  static const LayerType type{
      .name = "batch_norm2d",
      .summary = "normalizes each channel over the batch, height and width; num_features from the input",
      .options = util::option_infos<BatchNormArgs>,
      .check = util::check_options_text<BatchNormArgs>,
      .make = make_batch_norm<BatchNorm2d>,
      .output_shape =
          [](const util::NameValuePairs& options, const ExampleShape& in) {
            util::check_options_text<BatchNormArgs>(options);
            if (in.size() != 3) throw LayerInputError("", "[channels, height, width]");
            return in;
          },
  };
  return type;
}

}  // namespace descent::nn
