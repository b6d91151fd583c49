#include "descent/nn/pooling.hpp"

#include "python_repr.hpp"
#include "window_shape.hpp"

namespace descent::nn {
namespace {

// Pools print sizes as given: an int when both sides agree (kernel_size=2), else a pair.
std::string size(const Size2& s) { return python_size(s, true); }

}  // namespace

MaxPool2d::MaxPool2d(Size2 kernel_size, MaxPool2dOptions options) : kernel_(kernel_size), options_(options) {
  if (options_.stride == Size2(0)) options_.stride = kernel_size;
}

Tensor MaxPool2d::forward(const Tensor& input) { return max_pool2d(input, kernel_, options_); }

std::string MaxPool2d::describe() const {
  return "MaxPool2d(kernel_size=" + size(kernel_) + ", stride=" + size(options_.stride) +
         ", padding=" + size(options_.padding) + ", dilation=" + size(options_.dilation) + ", ceil_mode=False)";
}

AvgPool2d::AvgPool2d(Size2 kernel_size, AvgPool2dOptions options) : kernel_(kernel_size), options_(options) {
  if (options_.stride == Size2(0)) options_.stride = kernel_size;
}

Tensor AvgPool2d::forward(const Tensor& input) { return avg_pool2d(input, kernel_, options_); }

std::string AvgPool2d::describe() const {
  // PyTorch's repr leaves count_include_pad out
  return "AvgPool2d(kernel_size=" + size(kernel_) + ", stride=" + size(options_.stride) +
         ", padding=" + size(options_.padding) + ")";
}

// ---- the registry's entries (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

// The config's options; the defaults are MaxPool2dOptions's (stride 0: the kernel size).
struct MaxPool2dArgs {
  static constexpr std::string_view kName = "MaxPool2d";
  Size2 kernel_size = 0;
  Size2 stride = MaxPool2dOptions{}.stride;
  Size2 padding = MaxPool2dOptions{}.padding;
  Size2 dilation = MaxPool2dOptions{}.dilation;

  static std::span<const OptionField<MaxPool2dArgs>> fields() {
    static constexpr OptionField<MaxPool2dArgs> kFields[] = {
        field<&MaxPool2dArgs::kernel_size>("kernel_size").at_least(1).required(),
        field<&MaxPool2dArgs::stride>("stride").at_least(1).shown_default("kernel_size"),
        field<&MaxPool2dArgs::padding>("padding").at_least(0),
        field<&MaxPool2dArgs::dilation>("dilation").at_least(1),
    };
    return kFields;
  }
  void check() const {}
};

struct AvgPool2dArgs {
  static constexpr std::string_view kName = "AvgPool2d";
  Size2 kernel_size = 0;
  Size2 stride = AvgPool2dOptions{}.stride;
  Size2 padding = AvgPool2dOptions{}.padding;
  bool count_include_pad = AvgPool2dOptions{}.count_include_pad;

  static std::span<const OptionField<AvgPool2dArgs>> fields() {
    static constexpr OptionField<AvgPool2dArgs> kFields[] = {
        field<&AvgPool2dArgs::kernel_size>("kernel_size").at_least(1).required(),
        field<&AvgPool2dArgs::stride>("stride").at_least(1).shown_default("kernel_size"),
        field<&AvgPool2dArgs::padding>("padding").at_least(0),
        field<&AvgPool2dArgs::count_include_pad>("count_include_pad"),
    };
    return kFields;
  }
  void check() const {}
};

Size2 stride_or_kernel(Size2 stride, Size2 kernel) { return stride == Size2(0) ? kernel : stride; }

}  // namespace

const LayerType& max_pool2d_layer() {
  static const LayerType type{
      .name = "max_pool2d",
      .summary = "the maximum of each window of [channels, height, width]",
      .options = util::option_infos<MaxPool2dArgs>,
      .check = util::check_options_text<MaxPool2dArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const MaxPool2dArgs a = util::options_from_text<MaxPool2dArgs>(options);
        return std::make_shared<MaxPool2d>(
            a.kernel_size, MaxPool2dOptions{.stride = a.stride, .padding = a.padding, .dilation = a.dilation});
      },
      .output_shape =
          [](const util::NameValuePairs& options, const ExampleShape& in) {
            const MaxPool2dArgs a = util::options_from_text<MaxPool2dArgs>(options);
            return entry::window_shape(in, {.kernel_size = a.kernel_size,
                                            .stride = stride_or_kernel(a.stride, a.kernel_size),
                                            .padding = a.padding,
                                            .dilation = a.dilation,
                                            .pooling = true});
          },
  };
  return type;
}

const LayerType& avg_pool2d_layer() {
  static const LayerType type{
      .name = "avg_pool2d",
      .summary = "the mean of each window of [channels, height, width]",
      .options = util::option_infos<AvgPool2dArgs>,
      .check = util::check_options_text<AvgPool2dArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const AvgPool2dArgs a = util::options_from_text<AvgPool2dArgs>(options);
        return std::make_shared<AvgPool2d>(
            a.kernel_size,
            AvgPool2dOptions{.stride = a.stride, .padding = a.padding, .count_include_pad = a.count_include_pad});
      },
      .output_shape =
          [](const util::NameValuePairs& options, const ExampleShape& in) {
            const AvgPool2dArgs a = util::options_from_text<AvgPool2dArgs>(options);
            return entry::window_shape(in, {.kernel_size = a.kernel_size,
                                            .stride = stride_or_kernel(a.stride, a.kernel_size),
                                            .padding = a.padding,
                                            .pooling = true});
          },
  };
  return type;
}

}  // namespace descent::nn
