// The inits of one tensor (weight_init, bias_init) against torch.nn.init's formulas with its default
// arguments (torch/nn/init.py): constant, zeros and ones exactly; the random rows by their bounds and
// by sample moments on large tensors, within the stated tolerances. Then the strict parser: each kind
// of bad text is an OptionError naming the key, the text and what is allowed. Then the linear and
// conv2d registry entries, which take both keys.
#include "descent/nn/tensor_init_type.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "descent/descent.hpp"
#include "descent/nn/layer_type.hpp"

namespace descent::nn {
namespace {

struct Moments {
  double mean, std, min, max;  // std: population, about the sample mean
};

Moments moments(const Tensor& t) {
  const std::vector<double> v = t.to_vector();
  double sum = 0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  double squares = 0;
  for (double x : v) squares += (x - mean) * (x - mean);
  return {mean, std::sqrt(squares / static_cast<double>(v.size())), *std::min_element(v.begin(), v.end()),
          *std::max_element(v.begin(), v.end())};
}

Tensor applied(std::string_view text, const Shape& shape, std::uint64_t seed = 1) {
  Generator gen(seed);
  const Tensor t = full(shape, 7.0, Dtype::Float64);
  parse_tensor_init(text, InitParam::Weight).apply(t, gen);
  return t;
}

// The OptionError parse_tensor_init throws for `text`; fails the test when it parses.
OptionError error_for(std::string_view text, InitParam param = InitParam::Weight) {
  try {
    parse_tensor_init(text, param);
  } catch (const OptionError& e) {
    return e;
  }
  ADD_FAILURE() << "no OptionError for " << text;
  return OptionError("", "", "");
}

constexpr std::string_view kWeightForms =
    "default, zeros, ones, constant(VAL), normal(MEAN, STD), uniform(A, B), xavier_uniform, xavier_normal, "
    "kaiming_uniform, kaiming_normal";
constexpr std::string_view kBiasForms = "default, zeros, ones, constant(VAL), normal(MEAN, STD), uniform(A, B)";

TEST(TensorInitType, RowsInOrderWithTheirForms) {
  std::vector<std::string> forms;
  for (const TensorInitType& t : tensor_init_types()) forms.push_back(tensor_init_form(t));
  EXPECT_EQ(util::join(forms), kWeightForms);
  EXPECT_EQ(tensor_init_forms(InitParam::Weight), kWeightForms);
  EXPECT_EQ(tensor_init_forms(InitParam::Bias), kBiasForms);
  EXPECT_EQ(init_key(InitParam::Weight), "weight_init");
  EXPECT_EQ(init_key(InitParam::Bias), "bias_init");
}

TEST(TensorInitType, ConstantsAreExact) {
  for (double x : applied("zeros", Shape{3, 4}).to_vector()) EXPECT_EQ(x, 0.0);
  for (double x : applied("ones", Shape{3, 4}).to_vector()) EXPECT_EQ(x, 1.0);
  for (double x : applied("constant(-0.25)", Shape{3, 4}).to_vector()) EXPECT_EQ(x, -0.25);
  for (double x : applied("default", Shape{3, 4}).to_vector()) EXPECT_EQ(x, 7.0);  // left as it was
  EXPECT_TRUE(parse_tensor_init("default", InitParam::Weight).is_default());
  EXPECT_FALSE(parse_tensor_init("zeros", InitParam::Weight).is_default());
}

// One million draws: the sample mean's standard error is std / 1000, the sample std's about
// std / sqrt(2e6); the tolerances are six of them.
TEST(TensorInitType, NormalHasItsMeanAndStd) {
  const Moments m = moments(applied("normal(0.5, 2)", Shape{1000, 1000}));
  EXPECT_NEAR(m.mean, 0.5, 6 * 2.0 / 1000);
  EXPECT_NEAR(m.std, 2.0, 6 * 2.0 / std::sqrt(2e6));
  const Moments zero = moments(applied("normal(3, 0)", Shape{10, 10}));  // std 0: torch draws the mean
  EXPECT_EQ(zero.min, 3.0);
  EXPECT_EQ(zero.max, 3.0);
}

// U(a, b): within [a, b], mean (a + b) / 2, std (b - a) / sqrt(12); its ends reached to 1e-3.
TEST(TensorInitType, UniformHasItsRange) {
  const Moments m = moments(applied("uniform(-1, 3)", Shape{1000, 1000}));
  EXPECT_GE(m.min, -1.0);
  EXPECT_LE(m.max, 3.0);
  EXPECT_LT(m.min, -1.0 + 1e-3);
  EXPECT_GT(m.max, 3.0 - 1e-3);
  EXPECT_NEAR(m.mean, 1.0, 6 * (4 / std::sqrt(12.0)) / 1000);
  EXPECT_NEAR(m.std, 4 / std::sqrt(12.0), 0.005);
}

// kaiming_uniform_(w) with a = 0, mode fan_in, nonlinearity leaky_relu: gain sqrt(2 / (1 + a^2)) =
// sqrt(2), bound = gain sqrt(3 / fan_in) = sqrt(6 / fan_in); U(-b, b) has std b / sqrt(3). 250,000 draws:
// the std within 1% (about ten standard errors), the largest |w| within 0.1% of the bound.
TEST(TensorInitType, KaimingUniformBoundIsSqrtSixOverFanIn) {
  const double bound = std::sqrt(6.0 / 250);
  const Moments m = moments(applied("kaiming_uniform", Shape{1000, 250}));
  EXPECT_GE(m.min, -bound);
  EXPECT_LE(m.max, bound);
  EXPECT_GT(std::max(-m.min, m.max), 0.999 * bound);
  EXPECT_NEAR(m.std, bound / std::sqrt(3.0), 0.01 * bound / std::sqrt(3.0));
  EXPECT_NEAR(m.mean, 0.0, 6 * bound / std::sqrt(3.0) / 500);
}

// kaiming_normal_: N(0, 2 / fan_in).
TEST(TensorInitType, KaimingNormalStdIsSqrtTwoOverFanIn) {
  const Moments m = moments(applied("kaiming_normal", Shape{1000, 250}));
  EXPECT_NEAR(m.std, std::sqrt(2.0 / 250), 0.01 * std::sqrt(2.0 / 250));
  EXPECT_NEAR(m.mean, 0.0, 6 * std::sqrt(2.0 / 250) / 500);
}

// xavier_uniform_ and xavier_normal_ with gain 1: b = sqrt(6 / (fan_in + fan_out)), std sqrt(2 / (fan_in +
// fan_out)); a (300, 700) weight has fan_in 700, fan_out 300.
TEST(TensorInitType, XavierUsesFanInPlusFanOut) {
  const double bound = std::sqrt(6.0 / 1000);
  const Moments u = moments(applied("xavier_uniform", Shape{300, 700}));
  EXPECT_LE(std::max(-u.min, u.max), bound);
  EXPECT_GT(std::max(-u.min, u.max), 0.999 * bound);
  EXPECT_NEAR(u.std, bound / std::sqrt(3.0), 0.01 * bound / std::sqrt(3.0));
  const Moments n = moments(applied("xavier_normal", Shape{300, 700}));
  EXPECT_NEAR(n.std, std::sqrt(2.0 / 1000), 0.01 * std::sqrt(2.0 / 1000));
}

// A conv2d weight (out, in, kh, kw) = (64, 16, 5, 5): fan_in = in kh kw = 400, fan_out = out kh kw = 1600.
// 25,600 draws: the std within 2% (about seven standard errors).
TEST(TensorInitType, ConvWeightFansCountTheKernel) {
  const double bound = std::sqrt(6.0 / 400);
  const Moments k = moments(applied("kaiming_uniform", Shape{64, 16, 5, 5}));
  EXPECT_LE(std::max(-k.min, k.max), bound);
  EXPECT_GT(std::max(-k.min, k.max), 0.99 * bound);
  EXPECT_NEAR(k.std, bound / std::sqrt(3.0), 0.02 * bound / std::sqrt(3.0));
  const Moments x = moments(applied("xavier_normal", Shape{64, 16, 5, 5}));
  EXPECT_NEAR(x.std, std::sqrt(2.0 / 2000), 0.02 * std::sqrt(2.0 / 2000));
}

TEST(TensorInitType, ParsesNamesAndCallsWithSpaces) {
  const TensorInit n = parse_tensor_init(" normal( -1 , 2e-3 ) ", InitParam::Weight);
  EXPECT_EQ(n.type->name, "normal");
  EXPECT_EQ(n.args, (std::vector<double>{-1, 2e-3}));
  EXPECT_EQ(parse_tensor_init("constant(3)", InitParam::Bias).args, (std::vector<double>{3}));
  EXPECT_EQ(parse_tensor_init("uniform(0.5, 0.5)", InitParam::Bias).args, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(parse_tensor_init("kaiming_normal", InitParam::Weight).type->name, "kaiming_normal");
  EXPECT_TRUE(parse_tensor_init("zeros", InitParam::Bias).args.empty());
}

TEST(TensorInitTypeError, UnknownNameListsTheForms) {
  const OptionError e = error_for("he_normal");
  EXPECT_STREQ(e.what(), ("init: weight_init = he_normal: expected one of " + std::string(kWeightForms)).c_str());
  EXPECT_EQ(e.option(), "weight_init");
  for (const char* text : {"", "Zeros", "normal[0, 1]", "(0, 1)", "xavier"})
    EXPECT_EQ(error_for(text).expected(), "one of " + std::string(kWeightForms)) << text;
}

TEST(TensorInitTypeError, WrongCountOfNumbers) {
  const std::string inits = " (the inits: " + std::string(kWeightForms) + ")";
  EXPECT_STREQ(error_for("normal(0)").what(),
               ("init: weight_init = normal(0): expected normal(MEAN, STD) with 2 numbers" + inits).c_str());
  for (const char* text : {"normal", "normal()", "normal(0, 1, 2)"})
    EXPECT_EQ(error_for(text).expected(), "normal(MEAN, STD) with 2 numbers" + inits) << text;
  for (const char* text : {"constant", "constant()", "constant(1, 2)"})
    EXPECT_EQ(error_for(text).expected(), "constant(VAL) with 1 number" + inits) << text;
  for (const char* text : {"zeros()", "zeros(1)", "kaiming_uniform(0)"})
    EXPECT_EQ(error_for(text).expected(),
              std::string(text).substr(0, std::string(text).find('(')) + " without numbers" + inits)
        << text;
  EXPECT_EQ(error_for("uniform(1)").expected(), "uniform(A, B) with 2 numbers" + inits);
}

TEST(TensorInitTypeError, NotNumbersOrNotAClosedCall) {
  const std::string expected = "normal(MEAN, STD) with 2 numbers (the inits: " + std::string(kWeightForms) + ")";
  for (const char* text : {"normal(0, x)", "normal(0, )", "normal(0, nan)", "normal(0, inf)", "normal(0 1)",
                           "normal(0, 1", "normal(0, 1))", "normal(0, 1)x", "normal(0; 1)", "normal(0x1, 1)"})
    EXPECT_EQ(error_for(text).expected(), expected) << text;
}

TEST(TensorInitTypeError, ValuesTorchRefuses) {
  EXPECT_STREQ(error_for("normal(0, -0.1)").what(),
               "init: weight_init = normal(0, -0.1): expected std >= 0 in normal(MEAN, STD)");
  EXPECT_STREQ(error_for("uniform(1, -1)", InitParam::Bias).what(),
               "init: bias_init = uniform(1, -1): expected a <= b in uniform(A, B)");
}

// As torch raises "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions".
TEST(TensorInitTypeError, XavierAndKaimingNeedTwoDimensions) {
  for (const char* text : {"xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"}) {
    const OptionError e = error_for(text, InitParam::Bias);
    EXPECT_EQ(e.option(), "bias_init");
    EXPECT_EQ(e.expected(), "one of " + std::string(kBiasForms) + " (" + text +
                                " needs fan_in and fan_out, which a tensor of fewer than 2 dimensions has not: a "
                                "bias has 1)");
  }
}

// ---- the layers that take the keys ----

TEST(TensorInitLayers, LinearAndConv2dSetWeightAndBias) {
  Generator gen(4);
  const auto linear = find_layer_type("linear").make(
      {{"out_features", "3"}, {"weight_init", "constant(0.5)"}, {"bias_init", "ones"}}, {4}, Dtype::Float64, gen);
  for (const auto& [name, p] : linear->named_parameters())
    for (double x : p.to_vector()) EXPECT_EQ(x, name == "weight" ? 0.5 : 1.0) << name;
  const auto conv = find_layer_type("conv2d").make(
      {{"out_channels", "8"}, {"kernel_size", "3"}, {"weight_init", "kaiming_uniform"}, {"bias_init", "normal(0, 0)"}},
      {16, 6, 6}, Dtype::Float64, gen);
  const double bound = std::sqrt(6.0 / (16 * 3 * 3));
  for (const auto& [name, p] : conv->named_parameters()) {
    const Moments m = moments(p);
    if (name == "bias") EXPECT_EQ(std::max(-m.min, m.max), 0.0);
    else EXPECT_LE(std::max(-m.min, m.max), bound) << name;
  }
}

TEST(TensorInitLayers, DefaultDrawsWhatTheLayerDrawsWithoutTheKey) {
  Generator a(9), b(9);
  const auto plain =
      find_layer_type("conv2d").make({{"out_channels", "2"}, {"kernel_size", "3"}}, {1, 5, 5}, Dtype::Float32, a);
  const auto keyed = find_layer_type("conv2d").make(
      {{"out_channels", "2"}, {"kernel_size", "3"}, {"weight_init", "default"}, {"bias_init", "default"}}, {1, 5, 5},
      Dtype::Float32, b);
  for (const auto& [name, p] : plain->named_parameters())
    EXPECT_EQ(p.to_vector(), keyed->state_dict().at(name).to_vector()) << name;
}

TEST(TensorInitLayers, ChecksNameTheKey) {
  const LayerType& linear = find_layer_type("linear");
  try {
    linear.check({{"out_features", "2"}, {"weight_init", "normal(0)"}});
    ADD_FAILURE();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.option(), "weight_init");
    EXPECT_EQ(std::string(e.what()).substr(0, 38), "Linear: weight_init = normal(0): expec");
  }
  try {
    find_layer_type("conv2d").check(
        {{"out_channels", "2"}, {"kernel_size", "3"}, {"bias", "false"}, {"bias_init", "zeros"}});
    ADD_FAILURE();
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "Conv2d: bias_init = zeros: expected default with bias = false (the layer has no bias)");
  }
  EXPECT_NO_THROW(linear.check({{"out_features", "2"}, {"bias", "false"}, {"bias_init", "default"}}));
  const std::vector<util::OptionInfo> options = linear.options();
  EXPECT_EQ(options[2].name, "weight_init");
  EXPECT_EQ(options[2].default_value, "default");
  EXPECT_EQ(options[2].allows, "one of " + std::string(kWeightForms));
  EXPECT_EQ(options[3].allows, "one of " + std::string(kBiasForms));
}

}  // namespace
}  // namespace descent::nn
