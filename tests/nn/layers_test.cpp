// The layer modules: PyTorch's default initialisation and printed forms, training versus evaluation
// mode (Dropout, BatchNorm), buffers in state_dict, shape errors, a float64 gradient check of each
// layer's input gradient through the module, and a module used twice in one graph. Values against
// PyTorch are in layers_reference_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "autograd/op_case.hpp"
#include "descent/descent.hpp"

namespace descent::nn {
namespace {

constexpr Dtype kLayersF64 = Dtype::Float64;

double largest_abs(const Tensor& t) {
  double m = 0;
  for (double v : t.to_vector()) m = std::max(m, std::abs(v));
  return m;
}

TEST(Conv2d, InitialisesAsPyTorchByDefault) {
  Generator gen(1);
  Conv2d conv(6, 16, 5, {.generator = &gen});
  const double bound = 1.0 / std::sqrt(6.0 * 25.0);  // kaiming_uniform(a = sqrt(5)): 1 / sqrt(fan_in)
  EXPECT_EQ(conv.weight().shape(), Shape({16, 6, 5, 5}));
  EXPECT_EQ(conv.bias().shape(), Shape({16}));
  EXPECT_LE(largest_abs(conv.weight()), bound);
  EXPECT_GT(largest_abs(conv.weight()), 0.95 * bound);
  EXPECT_LE(largest_abs(conv.bias()), bound);
  EXPECT_GT(largest_abs(conv.bias()), 0.5 * bound);
  EXPECT_FALSE(Conv2d(1, 2, 3, {.bias = false}).bias().defined());
}

TEST(Conv2d, OutputShapesAndErrors) {
  Conv2d lenet1(1, 6, 5, {.padding = 2});
  EXPECT_EQ(lenet1(zeros(Shape{4, 1, 28, 28})).shape(), Shape({4, 6, 28, 28}));
  EXPECT_EQ(lenet1(zeros(Shape{1, 28, 28})).shape(), Shape({6, 28, 28}));  // one unbatched image
  Conv2d strided(3, 2, {3, 2}, {.stride = {2, 3}, .padding = {1, 0}, .dilation = {2, 1}});
  // H: (9 + 2 - 2*2 - 1) / 2 + 1 = 4; W: (8 - 1 - 1) / 3 + 1 = 3
  EXPECT_EQ(strided(zeros(Shape{2, 3, 9, 8})).shape(), Shape({2, 2, 4, 3}));
  EXPECT_THROW(lenet1(zeros(Shape{4, 3, 28, 28})), ShapeError);         // wrong channel count
  EXPECT_THROW(Conv2d(1, 1, 5)(zeros(Shape{1, 1, 4, 4})), ShapeError);  // smaller than the kernel
  EXPECT_THROW(Conv2d(1, 1, 3, {.stride = 0})(zeros(Shape{1, 1, 4, 4})), ValueError);
  EXPECT_THROW(lenet1(zeros(Shape{28, 28})), ShapeError);
  EXPECT_THROW(Conv2d(0, 1, 3), ValueError);
}

// The same Conv2d twice in one graph: its weight's gradient is the sum of both uses' gradients.
TEST(Conv2d, SharedModuleAccumulatesGradientsOfEveryUse) {
  Generator gen(5);
  Conv2d conv(2, 2, 3, {.padding = 1, .dtype = kLayersF64, .generator = &gen});
  const Tensor x1 = uniform(Shape{2, 2, 5, 5}, -1, 1, kLayersF64, &gen);
  const Tensor x2 = uniform(Shape{2, 2, 5, 5}, -1, 1, kLayersF64, &gen);
  sum(conv(x1)).backward();
  const auto w1 = conv.weight().grad().to_vector(), b1 = conv.bias().grad().to_vector();
  conv.zero_grad();
  sum(conv(x2) * conv(x2)).backward();
  const auto w2 = conv.weight().grad().to_vector(), b2 = conv.bias().grad().to_vector();
  conv.zero_grad();
  sum(conv(x1) + conv(x2) * conv(x2)).backward();
  const auto w = conv.weight().grad().to_vector(), b = conv.bias().grad().to_vector();
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(w[i], w1[i] + w2[i], 1e-12);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(b[i], b1[i] + b2[i], 1e-12);

  // Applied to its own output, conv(conv(x)): the weight's gradient against central differences.
  conv.zero_grad();
  sum(conv(conv(x1))).backward();
  const Tensor grad = conv.weight().grad();
  NoGradGuard no_grad;
  double* p = conv.weight().data<double>();
  for (std::int64_t k = 0; k < conv.weight().numel(); k += 5) {
    const double saved = p[k], eps = 1e-6;
    p[k] = saved + eps;
    const double plus = sum(conv(conv(x1))).item();
    p[k] = saved - eps;
    const double minus = sum(conv(conv(x1))).item();
    p[k] = saved;
    EXPECT_NEAR(grad.at(k), (plus - minus) / (2 * eps), 1e-6) << k;
  }
}

TEST(Dropout, ZeroesAFractionAndScalesTheRestInTrainingOnly) {
  Generator gen(3);
  Dropout drop(0.25, {.generator = &gen});
  const Tensor x = ones(Shape{200, 50});
  const Tensor y = drop(x);
  std::int64_t zero_count = 0;
  for (double v : y.to_vector()) {
    if (v == 0) ++zero_count;
    else EXPECT_FLOAT_EQ(v, 1.0 / 0.75);
  }
  EXPECT_NEAR(static_cast<double>(zero_count) / x.numel(), 0.25, 0.02);

  drop.eval();
  EXPECT_TRUE(drop(x).same(x));  // the identity in evaluation mode
  drop.train();
  EXPECT_NE(drop(x).to_vector(), y.to_vector());  // a fresh mask per call

  Generator g1(9), g2(9);  // the same seed gives the same mask
  EXPECT_EQ(Dropout(0.5, {.generator = &g1})(x).to_vector(), Dropout(0.5, {.generator = &g2})(x).to_vector());
  EXPECT_EQ(Dropout(0.0)(x).to_vector(), x.to_vector());
  EXPECT_EQ(largest_abs(Dropout(1.0)(x)), 0.0);
  EXPECT_THROW(Dropout(1.5), ValueError);
}

TEST(Dropout, GradientIsTheScaledMask) {
  Generator gen(4);
  Dropout drop(0.5, {.generator = &gen});
  Tensor x = uniform(Shape{4, 6}, 1, 2, kLayersF64, &gen).requires_grad_();
  const Tensor y = drop(x);
  sum(y).backward();
  const auto out = y.to_vector(), g = x.grad().to_vector();
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_DOUBLE_EQ(g[i], out[i] == 0 ? 0.0 : 2.0);
}

TEST(BatchNorm, TrainingUsesBatchStatisticsAndEvaluationTheRunningOnes) {
  Generator gen(2);
  BatchNorm2d bn(3, {.dtype = kLayersF64});
  const Tensor x = uniform(Shape{4, 3, 5, 5}, 2, 6, kLayersF64, &gen);  // mean 4, far from the running mean 0
  const Tensor y = bn(x);
  for (std::int64_t c = 0; c < 3; ++c) {  // each channel normalized to mean 0, variance 1
    double s = 0, sq = 0;
    for (std::int64_t n = 0; n < 4; ++n)
      for (std::int64_t k = 0; k < 25; ++k) {
        const double v = y.at((n * 3 + c) * 25 + k);
        s += v;
        sq += v * v;
      }
    EXPECT_NEAR(s / 100, 0.0, 1e-12);
    EXPECT_NEAR(sq / 100, 1.0, 1e-3);
  }
  EXPECT_EQ(bn.num_batches_tracked().item(), 1);
  EXPECT_GT(largest_abs(bn.running_mean()), 0.3);  // 0.1 of the batch mean

  bn.eval();
  const Tensor z = bn(x);
  EXPECT_EQ(bn.num_batches_tracked().item(), 1);  // evaluation leaves the statistics alone
  const Tensor expected =
      (x - bn.running_mean().reshape(Shape{1, 3, 1, 1})) / sqrt(bn.running_var().reshape(Shape{1, 3, 1, 1}) + 1e-5);
  EXPECT_LT(largest_abs(z - expected), 1e-12);
  EXPECT_GT(largest_abs(z - y), 1.0);
}

TEST(BatchNorm, BuffersAppearInStateDictUnderPyTorchsNames) {
  Sequential model({std::make_shared<Linear>(4, 3), std::make_shared<BatchNorm1d>(3)});
  std::vector<std::string> keys;
  for (const auto& [name, t] : model.state_dict()) keys.push_back(name);
  EXPECT_EQ(keys, (std::vector<std::string>{"0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean",
                                            "1.running_var", "1.weight"}));
  EXPECT_EQ(model.parameters().size(), 4u);  // buffers are not parameters
  model.to(kLayersF64);
  EXPECT_EQ(model.state_dict().at("1.running_var").dtype(), kLayersF64);
  EXPECT_EQ(model.state_dict().at("1.num_batches_tracked").dtype(), Dtype::Int64);  // counters stay integers

  BatchNorm1d bare(3, {.affine = false, .track_running_stats = false});
  EXPECT_TRUE(bare.state_dict().empty());
  bare.eval();  // without running statistics, evaluation normalizes with the batch's
  Generator gen(1);
  const Tensor y = bare(uniform(Shape{8, 3}, 5, 6, Dtype::Float32, &gen));
  EXPECT_LT(std::abs(sum(y).item()), 1e-4);
}

TEST(BatchNorm, CumulativeAverageWithoutMomentum) {
  BatchNorm1d bn(1, {.momentum = std::nullopt, .dtype = kLayersF64});
  bn(from_vector(std::vector<double>{1, 3}, Shape{2, 1}, kLayersF64));  // mean 2, unbiased variance 2
  bn(from_vector(std::vector<double>{4, 8}, Shape{2, 1}, kLayersF64));  // mean 6, unbiased variance 8
  EXPECT_DOUBLE_EQ(bn.running_mean().item(), 4.0);                      // the plain average of 2 and 6
  EXPECT_DOUBLE_EQ(bn.running_var().item(), 5.0);                       // of 2 and 8
  EXPECT_EQ(bn.describe(), "BatchNorm1d(1, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
}

TEST(BatchNorm, ChecksInputShapes) {
  BatchNorm1d bn1(3);
  EXPECT_EQ(bn1(zeros(Shape{4, 3})).shape(), Shape({4, 3}));
  EXPECT_EQ(bn1(zeros(Shape{4, 3, 7})).shape(), Shape({4, 3, 7}));
  EXPECT_THROW(bn1(zeros(Shape{4, 3, 2, 2})), ShapeError);
  EXPECT_THROW(bn1(zeros(Shape{4, 2})), ShapeError);
  EXPECT_THROW(bn1(zeros(Shape{1, 3})), ValueError);  // one value per channel: no variance to train with
  BatchNorm2d bn2(3);
  EXPECT_THROW(bn2(zeros(Shape{4, 3, 7})), ShapeError);
}

TEST(LayerNorm, ParametersAndShapeErrors) {
  LayerNorm ln(Shape{3, 4});
  EXPECT_EQ(ln.weight().shape(), Shape({3, 4}));
  EXPECT_EQ(ln.weight().to_vector(), std::vector<double>(12, 1.0));
  EXPECT_EQ(ln.bias().to_vector(), std::vector<double>(12, 0.0));
  EXPECT_EQ(ln(zeros(Shape{5, 3, 4})).shape(), Shape({5, 3, 4}));
  EXPECT_THROW(ln(zeros(Shape{5, 4, 3})), ShapeError);
  EXPECT_TRUE(LayerNorm(Shape{4}, {.elementwise_affine = false}).parameters().empty());
}

TEST(Embedding, LooksUpRowsAndChecksIndices) {
  Generator gen(6);
  Embedding emb(100, 40, {.padding_idx = -1, .generator = &gen});
  double s = 0, sq = 0;
  for (double v : emb.weight().slice(0, 99).to_vector()) s += v, sq += v * v;
  EXPECT_NEAR(s / 3960, 0.0, 0.05);  // N(0, 1)
  EXPECT_NEAR(sq / 3960, 1.0, 0.1);
  EXPECT_EQ(largest_abs(emb.weight().slice(99, 100)), 0.0);  // padding_idx -1 is row 99
  EXPECT_EQ(emb.describe(), "Embedding(100, 40, padding_idx=99)");
  const Tensor idx = from_vector(std::vector<std::int64_t>{3, 99, 3, 0}, Shape{2, 2});
  const Tensor y = emb(idx);
  EXPECT_EQ(y.shape(), Shape({2, 2, 40}));
  EXPECT_EQ(y.slice(0, 1).reshape(Shape{2, 40}).slice(0, 1).to_vector(), emb.weight().slice(3, 4).to_vector());
  EXPECT_THROW(emb(from_vector(std::vector<std::int64_t>{100}, Shape{1})), ValueError);
  EXPECT_THROW(emb(zeros(Shape{2})), ValueError);  // float indices
}

TEST(Layers, DescribeAsPyTorchPrints) {
  Sequential lenet({std::make_shared<Conv2d>(1, 6, 5, Conv2dOptions{.padding = 2}), std::make_shared<ReLU>(),
                    std::make_shared<MaxPool2d>(2), std::make_shared<Conv2d>(6, 16, 5), std::make_shared<ReLU>(),
                    std::make_shared<MaxPool2d>(2), std::make_shared<Flatten>(), std::make_shared<Linear>(400, 120),
                    std::make_shared<ReLU>(), std::make_shared<Linear>(120, 84), std::make_shared<ReLU>(),
                    std::make_shared<Dropout>(), std::make_shared<Linear>(84, 10)});
  EXPECT_EQ(to_string(lenet),
            "Sequential(\n"
            "  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n"
            "  (1): ReLU()\n"
            "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
            "  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n"
            "  (4): ReLU()\n"
            "  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
            "  (6): Flatten(start_dim=1, end_dim=-1)\n"
            "  (7): Linear(in_features=400, out_features=120, bias=True)\n"
            "  (8): ReLU()\n"
            "  (9): Linear(in_features=120, out_features=84, bias=True)\n"
            "  (10): ReLU()\n"
            "  (11): Dropout(p=0.5, inplace=False)\n"
            "  (12): Linear(in_features=84, out_features=10, bias=True)\n"
            ")");
  EXPECT_EQ(lenet(zeros(Shape{3, 1, 28, 28})).shape(), Shape({3, 10}));
  EXPECT_EQ(Conv2d(2, 4, {3, 1}, {.stride = 2, .dilation = {1, 2}, .bias = false}).describe(),
            "Conv2d(2, 4, kernel_size=(3, 1), stride=(2, 2), dilation=(1, 2), bias=False)");
  EXPECT_EQ(MaxPool2d({3, 2}, {.stride = 1, .padding = {1, 0}}).describe(),
            "MaxPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0), dilation=1, ceil_mode=False)");
  EXPECT_EQ(AvgPool2d(3, {.stride = 2, .padding = 1}).describe(), "AvgPool2d(kernel_size=3, stride=2, padding=1)");
  EXPECT_EQ(BatchNorm2d(16).describe(),
            "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  EXPECT_EQ(LayerNorm(Shape{10}).describe(), "LayerNorm((10,), eps=1e-05, elementwise_affine=True)");
  EXPECT_EQ(LayerNorm(Shape{3, 4}, {.eps = 1e-3}).describe(), "LayerNorm((3, 4), eps=0.001, elementwise_affine=True)");
  EXPECT_EQ(Dropout(0.125).describe(), "Dropout(p=0.125, inplace=False)");
  EXPECT_EQ(LeakyReLU().describe(), "LeakyReLU(negative_slope=0.01)");
  EXPECT_EQ(ELU().describe(), "ELU(alpha=1.0)");
  EXPECT_EQ(GELU().describe(), "GELU(approximate='none')");
  EXPECT_EQ(Softplus().describe(), "Softplus(beta=1, threshold=20)");
  EXPECT_EQ(Softplus(0.5).describe(), "Softplus(beta=0.5, threshold=20)");
  EXPECT_EQ(Softmax(-1).describe(), "Softmax(dim=-1)");
  EXPECT_EQ(LogSoftmax(1).describe(), "LogSoftmax(dim=1)");
  EXPECT_EQ(Identity().describe(), "Identity()");
  EXPECT_EQ(Embedding(10, 3).describe(), "Embedding(10, 3)");
  EXPECT_EQ(BatchNorm1d(4, {.eps = 1e-3, .momentum = 0.01}).describe(),
            "BatchNorm1d(4, eps=0.001, momentum=0.01, affine=True, track_running_stats=True)");
}

// Every layer's input gradient through its module, in float64, against central differences.
struct ModuleCase {
  std::string name;
  std::function<std::shared_ptr<Module>()> make;
  Shape input;
};

void PrintTo(const ModuleCase& c, std::ostream* os) { *os << c.name; }

std::vector<ModuleCase> module_cases() {
  auto gen = std::make_shared<Generator>(11);
  return {
      {"Conv2d",
       [gen] {
         return std::make_shared<Conv2d>(
             2, 3, 3,
             Conv2dOptions{.stride = 2, .padding = 1, .dilation = 1, .dtype = kLayersF64, .generator = gen.get()});
       },
       {2, 2, 5, 6}},
      {"MaxPool2d", [] { return std::make_shared<MaxPool2d>(2, MaxPool2dOptions{.stride = 1}); }, {2, 2, 4, 4}},
      {"AvgPool2d",
       [] { return std::make_shared<AvgPool2d>(3, AvgPool2dOptions{.stride = 2, .padding = 1}); },
       {2, 2, 5, 5}},
      {"BatchNorm1d_training",
       [] { return std::make_shared<BatchNorm1d>(3, BatchNormOptions{.dtype = kLayersF64}); },
       {4, 3}},
      {"BatchNorm1d_training_3d",
       [] { return std::make_shared<BatchNorm1d>(2, BatchNormOptions{.dtype = kLayersF64}); },
       {3, 2, 4}},
      {"BatchNorm2d_training",
       [] { return std::make_shared<BatchNorm2d>(2, BatchNormOptions{.dtype = kLayersF64}); },
       {2, 2, 3, 3}},
      {"BatchNorm2d_eval",
       [] {
         auto m = std::make_shared<BatchNorm2d>(2, BatchNormOptions{.dtype = kLayersF64});
         m->eval();
         return m;
       },
       {2, 2, 3, 3}},
      {"LayerNorm",
       [] {
         return std::make_shared<LayerNorm>(Shape{2, 3}, LayerNormOptions{.dtype = kLayersF64});
       },
       {3, 2, 3}},
      {"Flatten", [] { return std::make_shared<Flatten>(); }, {2, 3, 2}},
      {"LeakyReLU", [] { return std::make_shared<LeakyReLU>(0.1); }, {3, 4}},
      {"ELU", [] { return std::make_shared<ELU>(); }, {3, 4}},
      {"GELU", [] { return std::make_shared<GELU>(); }, {3, 4}},
      {"Softplus", [] { return std::make_shared<Softplus>(); }, {3, 4}},
      {"Softmax", [] { return std::make_shared<Softmax>(0); }, {3, 4}},
      {"LogSoftmax", [] { return std::make_shared<LogSoftmax>(1); }, {3, 4}},
      {"Identity", [] { return std::make_shared<Identity>(); }, {3, 4}},
  };
}

class ModuleGradcheck : public ::testing::TestWithParam<ModuleCase> {};

TEST_P(ModuleGradcheck, InputGradientMatchesCentralDifferences) {
  const ModuleCase& c = GetParam();
  const std::shared_ptr<Module> m = c.make();
  Generator gen(8);
  const Tensor x = uniform(c.input, -2, 2, kLayersF64, &gen);
  move_off_zero(x);  // off the kinks at 0
  const GradcheckResult r = gradcheck([&](const std::vector<Tensor>& v) { return m->forward(v[0]); }, {x});
  EXPECT_TRUE(r.passed) << c.name << "\n" << r.report();
}

INSTANTIATE_TEST_SUITE_P(EveryLayer, ModuleGradcheck, ::testing::ValuesIn(module_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(ModuleGradcheck, DropoutWithItsMaskFixedBySeed) {
  Generator gen(0);
  Dropout drop(0.3, {.generator = &gen});
  const Tensor x = uniform(Shape{3, 5}, -1, 1, kLayersF64, &gen);
  const GradcheckResult r = gradcheck(
      [&](const std::vector<Tensor>& v) {
        gen.manual_seed(21);  // the same mask on every evaluation
        return drop(v[0]);
      },
      {x});
  EXPECT_TRUE(r.passed) << r.report();
}

}  // namespace
}  // namespace descent::nn
