// descent export: the state_dict of a trained model as safetensors that numpy reads alone and that
// PyTorch's load_state_dict(strict=True) takes into the twin (an MLP, a LeNet-like network, a network
// with batch norm); the twin then gets descent's test accuracy to the image (a residual model's twin
// too, an nn.Sequential subclass); a Siamese model's tower;
// bad input (exit 2 naming the file and what was expected).
#include <gtest/gtest.h>

#include <regex>

#include "cli_run.hpp"
#include "data/idx_files.hpp"
#include "descent/data/safetensors.hpp"
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

class ExportCommandTest : public ::testing::Test {
 protected:
  // The model on the first `n` training and test images of Fashion-MNIST, one epoch of batches of 16.
  std::string config(const TwinModel& m, const std::string& dtype, int n = 64, const std::string& optim = "") {
    return write_text(dir_.file(std::string(m.name) + ".toml"),
                      std::string(m.model_toml) + "[data]\nclasses = 10\ntrain_limit = " + std::to_string(n) +
                          "\ntest_limit = " + std::to_string(n) + "\n" + optim + "[train]\nepochs = 1\n" +
                          "batch_size = 16\nseed = 1\ndtype = \"" + dtype + "\"\n");
  }

  // Trains the config for its epoch, saving a checkpoint, and exports it; returns train's output.
  std::string train_and_export(const std::string& cfg, const std::string& weights) {
    const Result trained =
        run_cli({"train", cfg, "--data-dir", dir_.file("fashion"), "--save", dir_.file("ck.safetensors")});
    EXPECT_EQ(trained.status, 0) << trained.err;
    const Result exported = run_cli({"export", cfg, "--checkpoint", dir_.file("ck.safetensors"), "--output", weights});
    EXPECT_EQ(exported.status, 0) << exported.err;
    EXPECT_TRUE(contains(exported.out, "wrote " + weights)) << exported.out;
    return trained.out;
  }

  TempDir dir_;
};

// The models' files, read by numpy alone, loaded by each twin's load_state_dict(strict=True).
TEST_F(ExportCommandTest, TorchLoadsEveryModelStrictly) {
  DESCENT_REQUIRE_PYTHON("torch", "python3-torch");
  if (!testing::have_fashion_mnist()) GTEST_SKIP() << "needs Fashion-MNIST in " << kFashionMnist;
  testing::write_fashion_subset(dir_.file("fashion"), 64, 64);
  std::vector<std::vector<std::string>> commands;
  for (const TwinModel* m : {&testing::kMlp, &testing::kLeNet, &testing::kBatchNorm, &testing::kResidual}) {
    const std::string weights = dir_.file(std::string(m->name) + ".safetensors");
    train_and_export(config(*m, "float32"), weights);
    commands.push_back({"load", m->twin, weights, "float32"});
  }
  const auto r = run_twin(commands);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "loaded 16 tensors: 0.bias, 0.weight, 1.bias, 1.num_batches_tracked, 1.running_mean, "
                       "1.running_var, 1.weight, 5.bias, 5.weight, 6.bias, 6.num_batches_tracked, "
                       "6.running_mean, 6.running_var, 6.weight, 8.bias, 8.weight"))
      << r.out;
}

// One epoch on 300 training images, then the first 300 test images: the twin with the exported
// weights gets descent's count of correct answers, batch norm in eval mode and a residual connection
// included. float64 where the sums' order could otherwise turn a near tie.
TEST_F(ExportCommandTest, TorchGetsDescentsTestAccuracyToTheImage) {
  DESCENT_REQUIRE_PYTHON("torch", "python3-torch");
  if (!testing::have_fashion_mnist()) GTEST_SKIP() << "needs Fashion-MNIST in " << kFashionMnist;
  testing::write_fashion_subset(dir_.file("fashion"), 300, 300);
  std::vector<std::vector<std::string>> commands;
  std::string expected;
  for (const auto& [m, dtype] :
       {std::pair{&testing::kBatchNorm, "float64"}, {&testing::kLeNet, "float32"}, {&testing::kResidual, "float64"}}) {
    const std::string weights = dir_.file(std::string(m->name) + ".safetensors");
    const std::string out =
        train_and_export(config(*m, dtype, 300, "[optim]\nname = \"sgd\"\nlr = 0.05\nmomentum = 0.9\n"), weights);
    std::smatch match;
    ASSERT_TRUE(std::regex_search(out, match, std::regex(R"(Epoch 0: (\d+) / 300)"))) << out;
    expected += "correct " + match[1].str() + " / 300\n";
    commands.push_back({"accuracy", m->twin, weights, dtype, dir_.file("fashion"), "300", m->input_shape});
  }
  const auto r = run_twin(commands);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, expected)) << "descent:\n" << expected << "PyTorch:\n" << r.out;
}

TEST_F(ExportCommandTest, WritesTheDtypeTrainedAndNoOptimizerState) {
  testing::write_idx_data_set(dir_.file("data"), 1);
  const std::string cfg = write_text(dir_.file("c.toml"),
                                     "[model]\nlayers = [9, 4, 3]\n[data]\nclasses = 3\n[optim]\nname = \"adam\"\n"
                                     "[train]\nepochs = 1\nbatch_size = 8\ndtype = \"float64\"\n");
  ASSERT_EQ(run_cli({"train", cfg, "--data-dir", dir_.file("data"), "--save", dir_.file("ck.safetensors")}).status, 0);
  const Result r = run_cli({"export", cfg, "--checkpoint", dir_.file("ck.safetensors"), "--output", dir_.file("w.st")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "wrote " + dir_.file("w.st") + ": 4 tensors (55 numbers, float64), the state_dict of " + cfg +
                       "'s model under PyTorch's names\n");
  const auto f = data::load_safetensors(dir_.file("w.st"));
  std::vector<std::string> names;
  for (const auto& [name, t] : f.tensors) {
    names.push_back(name);
    EXPECT_EQ(t.dtype(), Dtype::Float64) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"0.bias", "0.weight", "2.bias", "2.weight"}));
  const auto checkpoint = data::load_safetensors(dir_.file("ck.safetensors"));
  for (const auto& [name, t] : f.tensors) EXPECT_EQ(t.to_vector(), checkpoint.tensors.at(name).to_vector()) << name;
}

TEST_F(ExportCommandTest, ASiameseModelExportsItsTower) {
  testing::write_idx_data_set(dir_.file("data"), 1);
  const std::string cfg = write_text(dir_.file("s.toml"),
                                     "[model]\nlayers = [9, 4, 3]\nsiamese = \"cosine\"\n[loss]\n"
                                     "name = \"cosine_embedding\"\n[data]\nclasses = 3\ntrain_pairs = 16\n"
                                     "test_pairs = 8\n[train]\nepochs = 1\nbatch_size = 8\n");
  ASSERT_EQ(run_cli({"train", cfg, "--data-dir", dir_.file("data"), "--save", dir_.file("ck.safetensors")}).status, 0);
  ASSERT_EQ(run_cli({"export", cfg, "--checkpoint", dir_.file("ck.safetensors"), "--output", dir_.file("w.st")}).status,
            0);
  const auto f = data::load_safetensors(dir_.file("w.st"));
  const auto checkpoint = data::load_safetensors(dir_.file("ck.safetensors"));
  ASSERT_EQ(f.tensors.size(), 4u);
  for (const auto& [name, t] : f.tensors) EXPECT_EQ(t.to_vector(), checkpoint.tensors.at("tower." + name).to_vector());
}

TEST_F(ExportCommandTest, BadInputIsNamed) {
  testing::write_idx_data_set(dir_.file("data"), 1);
  const std::string cfg = write_text(dir_.file("c.toml"), "[model]\nlayers = [9, 4, 3]\n[data]\nclasses = 3\n");
  const std::string other = write_text(dir_.file("other.toml"), "[model]\nlayers = [9, 5, 3]\n[data]\nclasses = 3\n");
  ASSERT_EQ(
      run_cli({"train", cfg, "--data-dir", dir_.file("data"), "--epochs", "1", "--save", dir_.file("ck.safetensors")})
          .status,
      0);
  const std::string ck = dir_.file("ck.safetensors");
  expect_bad_input(run_cli({"export", cfg, "--checkpoint", ck}),
                   "export: nothing to write: expected --output W.safetensors");
  expect_bad_input(run_cli({"export", cfg, "--output", dir_.file("w.st")}), "--checkpoint is required");
  expect_bad_input(run_cli({"export", cfg, "--checkpoint", dir_.file("none.safetensors"), "--output", dir_.file("w")}),
                   dir_.file("none.safetensors") + ": cannot open");
  expect_bad_input(run_cli({"export", other, "--checkpoint", ck, "--output", dir_.file("w.st")}),
                   "the checkpoint does not fit the model of " + other);
  expect_bad_input(run_cli({"export", cfg, "--checkpoint", ck, "--output", dir_.file("no/dir/w.st")}), "--output");
  expect_bad_input(run_cli({"export", dir_.file("missing.toml"), "--checkpoint", ck, "--output", dir_.file("w.st")}),
                   "missing.toml");
  write_text(dir_.file("corrupt.safetensors"), "not a safetensors file at all");
  expect_bad_input(
      run_cli({"export", cfg, "--checkpoint", dir_.file("corrupt.safetensors"), "--output", dir_.file("w.st")}),
      "corrupt.safetensors");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("w.st"))) << "a failed export wrote its output";
}

TEST_F(ExportCommandTest, HelpNamesTheFormat) {
  const Result r = run_cli({"export", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.out, "load_state_dict(strict=True)")) << r.out;
  EXPECT_TRUE(contains(r.out, "--output W.safetensors")) << r.out;
}

}  // namespace
}  // namespace descent::cli
