#include "descent/nn/hardtanh.hpp"

#include "descent/autograd/ops/activation.hpp"
#include "descent/error.hpp"
#include "layer_entry.hpp"
#include "python_repr.hpp"

namespace descent::nn {

Hardtanh::Hardtanh(double min_val, double max_val) : min_val_(min_val), max_val_(max_val) {
  if (!(max_val > min_val))
    throw ValueError("Hardtanh(min_val=" + python_float(min_val) + ", max_val=" + python_float(max_val) +
                     "): expected max_val > min_val");
}

Tensor Hardtanh::forward(const Tensor& input) { return clamp(input, min_val_, max_val_); }

std::string Hardtanh::describe() const {
  return "Hardtanh(min_val=" + python_float(min_val_) + ", max_val=" + python_float(max_val_) + ")";
}

// ---- the registry's entry (descent/nn/layer_type.hpp) ----

namespace {

struct HardtanhArgs {
  static constexpr std::string_view kName = "Hardtanh";
  double min_val = -1.0, max_val = 1.0;  // Hardtanh's defaults

  static std::span<const util::OptionField<HardtanhArgs>> fields() {
    static constexpr util::OptionField<HardtanhArgs> kFields[] = {
        util::field<&HardtanhArgs::min_val>("min_val"),
        util::field<&HardtanhArgs::max_val>("max_val"),
    };
    return kFields;
  }
  void check() const {
    util::check_option(max_val > min_val, kName, "max_val", max_val,
                       "max_val > min_val = " + util::format_number(min_val));
  }
};

}  // namespace

const LayerType& hardtanh_layer() {
  static const LayerType type{
      .name = "hardtanh",
      .summary = "x clamped to [min_val, max_val]",
      .options = util::option_infos<HardtanhArgs>,
      .check = util::check_options_text<HardtanhArgs>,
      .make = [](const util::NameValuePairs& options, const ExampleShape&, Dtype,
                 Generator&) -> std::shared_ptr<Module> {
        const HardtanhArgs a = util::options_from_text<HardtanhArgs>(options);
        return std::make_shared<Hardtanh>(a.min_val, a.max_val);
      },
      .output_shape = entry::same_shape,
      .activation = true,
  };
  return type;
}

}  // namespace descent::nn
