#include "descent/nn/conv2d.hpp"

#include <cmath>
#include <string>

#include "descent/autograd/ops/conv.hpp"
#include "descent/error.hpp"
#include "descent/nn/init.hpp"
#include "descent/tensor/creation.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"
#include "window_shape.hpp"

namespace descent::nn {

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size, Conv2dOptions options)
    : in_(in_channels), out_(out_channels), kernel_(kernel_size), options_(options) {
  if (in_channels < 1 || out_channels < 1 || kernel_size.h < 1 || kernel_size.w < 1)
    throw ValueError("Conv2d(" + std::to_string(in_channels) + ", " + std::to_string(out_channels) + ", kernel_size=" +
                     python_size(kernel_size, false) + "): expected positive channel counts and kernel size");
  weight_ = register_parameter(
      "weight", Tensor::empty(Shape{out_channels, in_channels, kernel_size.h, kernel_size.w}, options.dtype));
  init::kaiming_uniform_(weight_, std::sqrt(5.0), init::FanMode::FanIn, "leaky_relu", options.generator);
  if (options.bias) {
    const double bound = 1.0 / std::sqrt(init::calculate_fan_in_and_fan_out(weight_).fan_in);
    bias_ = register_parameter("bias", uniform(Shape{out_channels}, -bound, bound, options.dtype, options.generator));
  }
}

Tensor Conv2d::forward(const Tensor& input) {
  const Conv2dFuncOptions o{.stride = options_.stride, .padding = options_.padding, .dilation = options_.dilation};
  if (input.dim() == 3) {  // one unbatched image (C, H, W)
    const Tensor out =
        conv2d(input.reshape(Shape{1, input.shape()[0], input.shape()[1], input.shape()[2]}), weight_, bias_, o);
    return out.reshape(Shape{out.shape()[1], out.shape()[2], out.shape()[3]});
  }
  if (input.dim() != 4)
    throw ShapeError("Conv2d: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape " +
                     to_string(input.shape()));
  return conv2d(input, weight_, bias_, o);
}

std::string Conv2d::describe() const {
  std::string s = "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_);
  s += ", kernel_size=" + python_size(kernel_, false);
  s += ", stride=" + python_size(options_.stride, false);
  if (!(options_.padding == Size2(0))) s += ", padding=" + python_size(options_.padding, false);
  if (!(options_.dilation == Size2(1))) s += ", dilation=" + python_size(options_.dilation, false);
  if (!bias_.defined()) s += ", bias=False";
  return s + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

using util::field;
using util::OptionField;

// The config's options; the defaults are Conv2dOptions's.
struct Conv2dArgs {
  static constexpr std::string_view kName = "Conv2d";
  std::int64_t out_channels = 0;
  Size2 kernel_size = 0;
  Size2 stride = Conv2dOptions{}.stride;
  Size2 padding = Conv2dOptions{}.padding;
  Size2 dilation = Conv2dOptions{}.dilation;
  bool bias = Conv2dOptions{}.bias;
  std::string weight_init = "default";
  std::string bias_init = "default";

  static std::span<const OptionField<Conv2dArgs>> fields() {
    static constexpr OptionField<Conv2dArgs> kFields[] = {
        field<&Conv2dArgs::out_channels>("out_channels").at_least(1).required(),
        field<&Conv2dArgs::kernel_size>("kernel_size").at_least(1).required(),
        field<&Conv2dArgs::stride>("stride").at_least(1),
        field<&Conv2dArgs::padding>("padding").at_least(0),
        field<&Conv2dArgs::dilation>("dilation").at_least(1),
        field<&Conv2dArgs::bias>("bias"),
        field<&Conv2dArgs::weight_init>("weight_init"),
        field<&Conv2dArgs::bias_init>("bias_init"),
    };
    return kFields;
  }
  void check() const { entry::check_inits(kName, weight_init, bias_init, bias); }
};

}  // namespace

const LayerType& conv2d_layer() {
  static const LayerType type{
      .name = "conv2d",
      .summary = "2-d convolution over [channels, height, width]; in_channels from the input",
      .options = [] { return entry::with_init_forms(util::option_infos<Conv2dArgs>()); },
      .check = util::check_options_text<Conv2dArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape& in, Dtype dtype,
                 Generator& gen) -> std::shared_ptr<Module> {
        const Conv2dArgs a = util::options_from_text<Conv2dArgs>(options);
        auto layer = std::make_shared<Conv2d>(in.at(0), a.out_channels, a.kernel_size,
                                              Conv2dOptions{.stride = a.stride,
                                                            .padding = a.padding,
                                                            .dilation = a.dilation,
                                                            .bias = a.bias,
                                                            .dtype = dtype,
                                                            .generator = &gen});
        entry::apply_inits(a.weight_init, a.bias_init, layer->weight(), layer->bias(), gen);
        return layer;
      },
      .output_shape =
          [](const util::NameValuePairs& options, const ExampleShape& in) {
            const Conv2dArgs a = util::options_from_text<Conv2dArgs>(options);
            return entry::window_shape(
                in, {.kernel_size = a.kernel_size, .stride = a.stride, .padding = a.padding, .dilation = a.dilation},
                a.out_channels);
          },
  };
  return type;
}

}  // namespace descent::nn
