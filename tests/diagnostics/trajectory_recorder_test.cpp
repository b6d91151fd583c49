#include "descent/diagnostics/trajectory_recorder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/idx_files.hpp"
#include "descent/descent.hpp"

namespace descent {
namespace {

using data::testing::TempDir;

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l.ends_with('\r') ? l.substr(0, l.size() - 1) : l);  // CRLF
  return out;
}

nn::Sequential small_model() {
  Generator g(0);
  return nn::Sequential(
      {std::make_shared<nn::Linear>(2, 3, nn::LinearOptions{.dtype = Dtype::Float64, .generator = &g}),
       std::make_shared<nn::Linear>(3, 1, nn::LinearOptions{.bias = false, .dtype = Dtype::Float64, .generator = &g})});
}

TEST(TrajectoryRecorder, WritesHeaderRowsAndExactNumbers) {
  TempDir dir;
  auto model = small_model();
  const std::string path = dir.file("t.csv");
  TrajectoryRecorder rec({"0.weight[1,0]", "0.bias[2]", "output", "loss", "grad_norm", "lr"}, model, path,
                         {"seed 1", "config x.toml"}, Dtype::Float64);
  const Tensor w = model.named_parameters()[0].second;
  rec.record(0, {full(Shape{1, 1}, 0.1, Dtype::Float64), 1.0 / 3.0, 0.25, 0.1});
  EXPECT_FALSE(std::filesystem::exists(path));  // not in place until finished
  rec.finish();
  const auto l = lines(path);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0], "# seed 1");
  EXPECT_EQ(l[2], "step,\"0.weight[1,0]\",0.bias[2],output,loss,grad_norm,lr");
  char expected[64];
  std::snprintf(expected, sizeof expected, "0,%.17g", w.at(2));
  EXPECT_TRUE(l[3].starts_with(expected)) << l[3];
  // every number reads back exactly
  const std::string loss_field =
      l[3].substr(l[3].find(",0.33") + 1, l[3].find(',', l[3].find(",0.33") + 1) - l[3].find(",0.33") - 1);
  EXPECT_EQ(std::stod(loss_field), 1.0 / 3.0);
}

TEST(TrajectoryRecorder, RejectsUnknownNamesAndBadIndices) {
  TempDir dir;
  auto model = small_model();
  auto error = [&](std::vector<std::string> names) {
    try {
      TrajectoryRecorder rec(names, model, dir.file("t.csv"), {}, Dtype::Float64);
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error({"3.weight[0,0]"}).find("no parameter \"3.weight\" (parameters: 0.weight, 0.bias, 1.weight"),
            std::string::npos);
  EXPECT_NE(error({"0.weight[3,0]"}).find("index 3 out of range for shape [3, 2]"), std::string::npos);
  EXPECT_NE(error({"0.weight[0]"}).find("1 indices for shape [3, 2]"), std::string::npos);
  EXPECT_NE(error({"0.weight"}).find("needs an element index"), std::string::npos);
  EXPECT_NE(error({"0.weight[a,0]"}).find("is not a non-negative integer"), std::string::npos);
}

TEST(TrajectoryRecorder, UnfinishedFileIsRemoved) {
  TempDir dir;
  auto model = small_model();
  {
    TrajectoryRecorder rec({"loss"}, model, dir.file("t.csv"), {}, Dtype::Float64);
    rec.record(0, {Tensor(), 1.0, 0.0, 0.1});
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("t.csv.partial")));
}

TEST(TrajectoryRecorder, GradNormIsTheNormOfAllGradients) {
  Tensor a = tensor({1.0, 2.0}, Dtype::Float64).requires_grad_();
  Tensor b = tensor({3.0}, Dtype::Float64).requires_grad_();
  Tensor c = tensor({5.0}, Dtype::Float64).requires_grad_();  // no gradient
  (a * 3.0 + sum(b * 4.0)).sum().backward();                  // grads 3, 3 and 8
  EXPECT_DOUBLE_EQ(TrajectoryRecorder::grad_norm({a, b, c}), std::sqrt(9.0 + 9.0 + 64.0));
}

}  // namespace
}  // namespace descent
