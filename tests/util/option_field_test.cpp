// Option tables: Size2 values as text, limits checked and described, required options.
#include "descent/util/option_field.hpp"

#include <gtest/gtest.h>

#include "descent/error.hpp"

namespace descent::util {
namespace {

struct WindowOptions {
  static constexpr std::string_view kName = "Window";
  Size2 kernel_size = 0;
  Size2 stride = 1;
  double p = 0.5;
  double beta = 1.0;
  std::int64_t dim = -1;

  static std::span<const OptionField<WindowOptions>> fields() {
    static constexpr OptionField<WindowOptions> kFields[] = {
        field<&WindowOptions::kernel_size>("kernel_size").at_least(1).required(),
        field<&WindowOptions::stride>("stride").at_least(1),
        field<&WindowOptions::p>("p").in(0, 1),
        field<&WindowOptions::beta>("beta").above(0),
        field<&WindowOptions::dim>("dim"),
    };
    return kFields;
  }
  void check() const {}
};

std::string error_of(const NameValuePairs& pairs) {
  try {
    options_from_text<WindowOptions>(pairs);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(OptionField, Size2AsTextAndBack) {
  EXPECT_EQ(parse_size2("3"), Size2(3));
  EXPECT_EQ(parse_size2("3,1"), Size2(3, 1));
  EXPECT_EQ(parse_size2(""), std::nullopt);
  EXPECT_EQ(parse_size2("1,2,3"), std::nullopt);
  EXPECT_EQ(format_size2(Size2(2)), "2");
  EXPECT_EQ(format_size2(Size2(3, 1)), "3,1");
  const WindowOptions o = options_from_text<WindowOptions>({{"kernel_size", "5,3"}, {"p", "1"}, {"beta", "0.5"}});
  EXPECT_EQ(o.kernel_size, Size2(5, 3));
  EXPECT_EQ(o.stride, Size2(1));
  EXPECT_EQ(o.p, 1.0);
}

TEST(OptionField, LimitsAreCheckedAndDescribed) {
  EXPECT_EQ(error_of({{"kernel_size", "3,0"}}),
            "Window: kernel_size = 3,0: expected kernel_size >= 1, an integer or [height, width]");
  EXPECT_EQ(error_of({{"kernel_size", "3"}, {"p", "1.5"}}), "Window: p = 1.5: expected p in [0, 1]");
  EXPECT_EQ(error_of({{"kernel_size", "3"}, {"beta", "0"}}), "Window: beta = 0: expected beta > 0");
  EXPECT_EQ(error_of({{"kernel_size", "3"}, {"dim", "x"}}), "Window: dim = x: expected an integer");
  EXPECT_EQ(allowed_values("n", OptionKind::Integer, {.min = 1}), "an integer n >= 1");
  EXPECT_EQ(allowed_values("n", OptionKind::Flag, {}), "true or false");
  EXPECT_EQ(allowed_values("x", OptionKind::Number, {}), "a number");
}

TEST(OptionField, RequiredOptionsMustBeGiven) {
  EXPECT_EQ(error_of({{"p", "0.1"}}),
            "Window: missing required option kernel_size (kernel_size >= 1, an integer or [height, width])");
  const std::vector<OptionInfo> infos = option_infos<WindowOptions>();
  EXPECT_TRUE(infos[0].required);
  EXPECT_FALSE(infos[1].required);
  EXPECT_EQ(infos[2].allows, "p in [0, 1]");
  EXPECT_EQ(infos[4].allows, "an integer");
  EXPECT_EQ(infos[1].default_value, "1");
}

}  // namespace
}  // namespace descent::util
