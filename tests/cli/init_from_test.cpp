// descent train --init-from W.safetensors and [model] init_from: a run starts from weights PyTorch
// wrote, over init, weight_init and [model.weights]; 20 float64 updates from them equal PyTorch's own
// 20 (SGD with momentum, Adam) to 1e-10; a file that does not fit the model exits 2 naming the tensor
// and both shapes, or the missing and unexpected tensors, unless init_strict = false.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
#include "descent/tensor/creation.hpp"
#include "idx_data_dir.hpp"
#include "torch_twin.hpp"

namespace descent::cli {
namespace {

using data::testing::TempDir;
using testing::contains;
using testing::expect_bad_input;
using testing::kFashionMnist;
using testing::Result;
using testing::run_cli;
using testing::run_twin;
using testing::TwinModel;
using testing::write_text;

class InitFromTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_idx_data_set(dir_.file("data"), 1); }

  // [9, 4, 3] on the 3 x 3 images; lr 0 keeps the starting weights through the epoch.
  std::string config(const std::string& model_extra = "", const std::string& name = "c.toml") {
    return write_text(dir_.file(name), "[model]\nlayers = [9, 4, 3]\ninit = \"xavier_uniform\"\n" + model_extra +
                                           "[data]\nclasses = 3\n[optim]\nname = \"sgd\"\nlr = 0\n[train]\n"
                                           "epochs = 1\nbatch_size = 16\n");
  }

  // The weights of that model, each tensor filled with its own value (0.weight = 0.25, 0.bias = 0.5, ...);
  // `change` edits them first.
  std::string weights(const std::string& name, const std::function<void(data::SafetensorsFile&)>& change = {}) {
    data::SafetensorsFile f;
    f.tensors["0.weight"] = full({4, 9}, 0.25);
    f.tensors["0.bias"] = full({4}, 0.5);
    f.tensors["2.weight"] = full({3, 4}, -0.25);
    f.tensors["2.bias"] = full({3}, -0.5);
    if (change) change(f);
    data::save_safetensors(dir_.file(name), f);
    return dir_.file(name);
  }

  Result train(const std::string& cfg, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"train", cfg, "--data-dir", dir_.file("data"), "--save", dir_.file("ck.st")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  }

  std::vector<double> saved(const std::string& name) {
    return data::load_safetensors(dir_.file("ck.st")).tensors.at(name).to_vector();
  }

  TempDir dir_;
};

TEST_F(InitFromTest, TheFileWinsOverInitAndModelWeights) {
  const std::string w = weights("w.safetensors");
  const Result r = train(config("init_from = \"w.safetensors\"\n[model.weights]\n\"0.bias\" = [1, 2, 3, 4]\n"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(saved("0.weight"), std::vector<double>(36, 0.25));
  EXPECT_EQ(saved("0.bias"), std::vector<double>(4, 0.5));
  EXPECT_EQ(saved("2.bias"), std::vector<double>(3, -0.5));
}

TEST_F(InitFromTest, TheFlagWinsOverTheKey) {
  write_text(dir_.file("corrupt.safetensors"), "not weights");
  const std::string w = weights("w.safetensors");
  const Result r = train(config("init_from = \"corrupt.safetensors\"\n"), {"--init-from", w});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(saved("0.weight"), std::vector<double>(36, 0.25));
}

TEST_F(InitFromTest, AnotherDtypeIsConvertedAndSaidSo) {
  const std::string w = weights("w64.safetensors", [](data::SafetensorsFile& f) {
    for (auto& [name, t] : f.tensors) t = t.to(Dtype::Float64);
  });
  const Result r = train(config(), {"--init-from", w});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "converted to float32: 0.bias, 0.weight, 2.bias, 2.weight")) << r.err;
  EXPECT_EQ(saved("0.weight"), std::vector<double>(36, 0.25));
}

TEST_F(InitFromTest, AMissingFileIsNamed) {
  expect_bad_input(train(config(), {"--init-from", dir_.file("none.safetensors")}),
                   "init_from " + dir_.file("none.safetensors") + ": cannot open");
  expect_bad_input(train(config("init_from = \"none.safetensors\"\n")), dir_.file("none.safetensors"));
}

TEST_F(InitFromTest, ACorruptFileIsNamed) {
  write_text(dir_.file("corrupt.safetensors"), "0123456789 not a safetensors file");
  expect_bad_input(train(config(), {"--init-from", dir_.file("corrupt.safetensors")}),
                   dir_.file("corrupt.safetensors") + ": byte 0: header length");
}

TEST_F(InitFromTest, AWrongShapeNamesTheTensorAndBothShapes) {
  const std::string w = weights("w.safetensors", [](auto& f) { f.tensors["0.weight"] = full({5, 9}, 0.25); });
  const Result r = train(config(), {"--init-from", w});
  expect_bad_input(r, "tensor \"0.weight\": shape [5, 9] in the file, expected [4, 9] (the model's)");
  // Not even init_strict = false loads a tensor of another shape (as PyTorch's strict=False).
  expect_bad_input(train(config("init_strict = false\n"), {"--init-from", w}), "\"0.weight\": shape [5, 9]");
}

TEST_F(InitFromTest, MissingAndExtraTensorsAreErrorsUnlessNotStrict) {
  const std::string w = weights("w.safetensors", [](auto& f) {
    f.tensors.erase("2.bias");
    f.tensors["3.weight"] = zeros({2});
  });
  expect_bad_input(train(config(), {"--init-from", w}),
                   "missing \"2.bias\"; unexpected \"3.weight\" (init_strict = false loads the tensors that match)");
  const Result r = train(config("init_strict = false\n"), {"--init-from", w});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "not in the file, kept their init: 2.bias")) << r.err;
  EXPECT_TRUE(contains(r.err, "not in the model, skipped: 3.weight")) << r.err;
  EXPECT_EQ(saved("0.weight"), std::vector<double>(36, 0.25));
  EXPECT_NE(saved("2.bias"), std::vector<double>(3, -0.5));  // its init
}

TEST_F(InitFromTest, BadKeyValuesAreNamed) {
  expect_bad_input(train(config("init_from = 3\n")),
                   "model.init_from = 3: expected the path of a safetensors file of weights");
  expect_bad_input(train(config("init_from = \"\"\n")), "model.init_from = \"\": expected the path");
  expect_bad_input(train(config("init_strict = \"no\"\n")), "model.init_strict = \"no\": expected true or false");
}

// 20 float64 updates from PyTorch's initial weights, in the stored order, against PyTorch's own.
class InitFromTorchTest : public ::testing::Test {
 protected:
  void expect_same_updates(const TwinModel& m, const std::string& optim_toml, const std::string& optim) {
    DESCENT_REQUIRE_PYTHON("torch", "python3-torch");
    if (!testing::have_fashion_mnist()) GTEST_SKIP() << "needs Fashion-MNIST in " << kFashionMnist;
    const std::string data = dir_.file("fashion"), init = dir_.file("init.safetensors"),
                      theirs = dir_.file("torch.safetensors");
    testing::write_fashion_subset(data, 320, 16);
    const auto r = run_twin(
        {{"init", m.twin, init, "3"}, {"train", m.twin, init, theirs, data, optim, "16", "20", m.input_shape}});
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string cfg =
        write_text(dir_.file("c.toml"), std::string(m.model_toml) + optim_toml +
                                            "[data]\nclasses = 10\ntrain_limit = 320\ntest_limit = 16\n"
                                            "shuffle = false\n[train]\nepochs = 1\nbatch_size = 16\n"
                                            "dtype = \"float64\"\n");
    const Result trained =
        run_cli({"train", cfg, "--data-dir", data, "--init-from", init, "--save", dir_.file("ck.safetensors")});
    ASSERT_EQ(trained.status, 0) << trained.err;
    const auto ours = data::load_safetensors(dir_.file("ck.safetensors")).tensors;
    const auto expected = data::load_safetensors(theirs).tensors;
    for (const auto& [name, t] : expected) {
      ASSERT_TRUE(ours.contains(name)) << name;
      const std::vector<double> a = ours.at(name).to_vector(), b = t.to_vector();
      ASSERT_EQ(a.size(), b.size()) << name;
      double worst = 0;
      for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
      EXPECT_LE(worst, 1e-10) << name << ": descent and PyTorch differ by " << worst << " after 20 updates";
    }
  }

  TempDir dir_;
};

TEST_F(InitFromTorchTest, SgdWithMomentumMatchesPyTorchWithBatchNorm) {
  expect_same_updates(testing::kBatchNorm, "[optim]\nname = \"sgd\"\nlr = 0.01\nmomentum = 0.9\n", "sgd");
}

TEST_F(InitFromTorchTest, AdamMatchesPyTorchOnALeNet) {
  expect_same_updates(testing::kLeNet, "[optim]\nname = \"adam\"\nlr = 0.001\n", "adam");
}

}  // namespace
}  // namespace descent::cli
