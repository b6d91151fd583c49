// io::save_state_dict / load_state_dict: the state_dict under Sequential's names, buffers included,
// in the module's dtype; every name and shape checked as PyTorch's load_state_dict(strict=True) does,
// strict=false's missing and unexpected keys, dtype conversion, and a failed load leaving the module
// as it was.
#include "descent/io/state_dict_file.hpp"

#include <gtest/gtest.h>

#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/error.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/batch_norm.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::io {
namespace {

using data::testing::error_message;
using data::testing::expect_contains;
using data::testing::TempDir;

// Linear(3, 2), BatchNorm1d(2), ReLU, Linear(2, 1): "0.weight", "1.running_mean", ...
std::shared_ptr<nn::Sequential> model(Dtype dtype = Dtype::Float32, std::int64_t hidden = 2) {
  Generator gen(5);
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(3, hidden, nn::LinearOptions{.dtype = dtype, .generator = &gen}),
      std::make_shared<nn::BatchNorm1d>(hidden, nn::BatchNormOptions{.dtype = dtype}), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(hidden, 1, nn::LinearOptions{.dtype = dtype, .generator = &gen})});
}

std::vector<double> values(const Tensor& t) { return t.to_vector(); }

TEST(StateDictFile, WritesEveryParameterAndBufferUnderSequentialNames) {
  TempDir dir;
  auto m = model();
  (*m)(full({4, 3}, 0.5));  // a training step moves the running statistics and counts the batch
  save_state_dict(dir.file("w.safetensors"), *m);
  const data::SafetensorsFile f = data::load_safetensors(dir.file("w.safetensors"));
  std::vector<std::string> names;
  for (const auto& [name, t] : f.tensors) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean",
                                             "1.running_var", "1.weight", "3.bias", "3.weight"}));
  EXPECT_EQ(f.metadata.at("format"), "pt");
  EXPECT_EQ(f.tensors.at("0.weight").dtype(), Dtype::Float32);
  EXPECT_EQ(f.tensors.at("1.num_batches_tracked").dtype(), Dtype::Int64);
  EXPECT_EQ(f.tensors.at("1.num_batches_tracked").shape(), Shape{});
  EXPECT_EQ(f.tensors.at("1.num_batches_tracked").data<std::int64_t>()[0], 1);
  for (const auto& [name, t] : m->state_dict()) EXPECT_EQ(values(f.tensors.at(name)), values(t)) << name;
}

TEST(StateDictFile, LoadsEveryTensorBack) {
  TempDir dir;
  auto trained = model(Dtype::Float64);
  (*trained)(full({4, 3}, 0.25, Dtype::Float64));
  save_state_dict(dir.file("w.safetensors"), *trained);
  auto fresh = model(Dtype::Float64);
  fill_(fresh->state_dict().at("0.weight"), 7.0);
  const LoadedStateDict loaded = load_state_dict(dir.file("w.safetensors"), *fresh);
  EXPECT_TRUE(loaded.missing_keys.empty() && loaded.unexpected_keys.empty() && loaded.converted_keys.empty());
  for (const auto& [name, t] : trained->state_dict())
    EXPECT_EQ(values(fresh->state_dict().at(name)), values(t)) << name;
}

TEST(StateDictFile, ConvertsAnotherDtypeAsCopyDoes) {
  TempDir dir;
  save_state_dict(dir.file("w64.safetensors"), *model(Dtype::Float64));
  auto m = model(Dtype::Float32);
  const LoadedStateDict loaded = load_state_dict(dir.file("w64.safetensors"), *m);
  EXPECT_EQ(loaded.converted_keys.size(), 8u);  // every floating tensor; num_batches_tracked is int64 on both
  EXPECT_EQ(m->state_dict().at("0.weight").dtype(), Dtype::Float32);
}

TEST(StateDictFile, ShapeMismatchNamesTheTensorAndBothShapes) {
  TempDir dir;
  save_state_dict(dir.file("w.safetensors"), *model(Dtype::Float32, 4));
  auto m = model(Dtype::Float32, 2);
  const std::vector<double> before = values(m->state_dict().at("0.bias"));
  const std::string message =
      error_message<ShapeError>([&] { load_state_dict(dir.file("w.safetensors"), *m, {.strict = false}); });
  // The first tensor by name that differs: 0.bias.
  expect_contains(message, {dir.file("w.safetensors"), "tensor \"0.bias\": shape [4] in the file, expected [2]"});
  EXPECT_EQ(values(m->state_dict().at("0.bias")), before) << "a failed load changed the model";
}

TEST(StateDictFile, StrictNamesMissingAndUnexpectedTensors) {
  TempDir dir;
  auto m = model();
  data::SafetensorsFile f;
  f.tensors = m->state_dict();
  f.tensors.erase("3.bias");
  f.tensors["4.weight"] = zeros({1});
  data::save_safetensors(dir.file("w.safetensors"), f);
  const std::string message = error_message<ValueError>([&] { load_state_dict(dir.file("w.safetensors"), *m); });
  expect_contains(message, {dir.file("w.safetensors"), "missing \"3.bias\"", "unexpected \"4.weight\""});
}

TEST(StateDictFile, NotStrictLoadsTheTensorsThatMatchAndReportsTheRest) {
  TempDir dir;
  auto m = model();
  data::SafetensorsFile f;
  f.tensors = model()->state_dict();
  fill_(f.tensors.at("0.weight"), 0.5);
  f.tensors.erase("3.bias");
  f.tensors["extra"] = zeros({2});
  data::save_safetensors(dir.file("w.safetensors"), f);
  const std::vector<double> bias = values(m->state_dict().at("3.bias"));
  const LoadedStateDict loaded = load_state_dict(dir.file("w.safetensors"), *m, {.strict = false});
  EXPECT_EQ(loaded.missing_keys, std::vector<std::string>{"3.bias"});
  EXPECT_EQ(loaded.unexpected_keys, std::vector<std::string>{"extra"});
  EXPECT_EQ(values(m->state_dict().at("0.weight")), std::vector<double>(6, 0.5));
  EXPECT_EQ(values(m->state_dict().at("3.bias")), bias);
}

TEST(StateDictFile, MissingFileIsAnIoError) {
  auto m = model();
  expect_contains(error_message<IoError>([&] { load_state_dict("/nonexistent/w.safetensors", *m); }),
                  {"/nonexistent/w.safetensors", "cannot open"});
}

}  // namespace
}  // namespace descent::io
