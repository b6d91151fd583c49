#pragma once
// What the PyTorch interop tests share: the configs of small models on Fashion-MNIST with their
// torch.nn twins (the same layers in the same order, so the same state_dict names), and
// tests/io/torch_twin.py run on them. Skips, with a message, without Fashion-MNIST or PyTorch.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/idx_files.hpp"
#include "descent/data/idx.hpp"
#include "descent/util/shell_quote.hpp"
#include "support/python_peer.hpp"
#include "support/text.hpp"

namespace descent::cli::testing {

using descent::testing::kFashionMnist;

inline bool have_fashion_mnist() {
  return std::filesystem::exists(std::string(kFashionMnist) + "/t10k-images-idx3-ubyte.gz");
}

// The first `train` training and `test` test images of Fashion-MNIST and their labels, as raw IDX
// files in `dir`: the runs and the twins then read a few hundred images, not 70,000, each time.
inline void write_fashion_subset(const std::string& dir, std::uint32_t train, std::uint32_t test) {
  std::filesystem::create_directories(dir);
  for (const auto& [split, n] : {std::pair{"train", train}, {"t10k", test}}) {
    for (const char* kind : {"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
      const std::string name = std::string(split) + kind;
      const data::IdxArray all = data::read_idx(std::string(kFashionMnist) + "/" + name + ".gz");
      std::vector<std::uint32_t> dims(all.dims.begin(), all.dims.end());
      const std::size_t item = all.data.size() / dims[0];
      dims[0] = n;
      data::testing::write_raw(
          dir + "/" + name,
          data::testing::idx_bytes(dims, data::testing::Bytes(all.data.begin(), all.data.begin() + n * item)));
    }
  }
}

// A model as the config's [model] section writes it, its PyTorch twin as a torch.nn expression, and
// the shape each flat 784-pixel image is viewed as on the PyTorch side.
struct TwinModel {
  const char* name;
  const char* model_toml;
  const char* twin;
  const char* input_shape;
};

inline const TwinModel kMlp = {"mlp", "[model]\nlayers = [784, 16, 10]\nactivation = \"relu\"\n",
                               "nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))", "784"};

inline const TwinModel kLeNet = {
    "lenet",
    "[model]\ninput_shape = [1, 28, 28]\n"
    "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 4\nkernel_size = 5\npadding = 2\n"
    "[[model.layer]]\ntype = \"relu\"\n[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\n"
    "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 8\nkernel_size = 5\n"
    "[[model.layer]]\ntype = \"relu\"\n[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\n"
    "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 32\n"
    "[[model.layer]]\ntype = \"relu\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n",
    "nn.Sequential(nn.Conv2d(1, 4, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 5), nn.ReLU(), "
    "nn.MaxPool2d(2), nn.Flatten(), nn.Linear(200, 32), nn.ReLU(), nn.Linear(32, 10))",
    "1,28,28"};

inline const TwinModel kBatchNorm = {
    "batch_norm",
    "[model]\ninput_shape = [1, 28, 28]\n"
    "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 4\nkernel_size = 3\n"
    "[[model.layer]]\ntype = \"batch_norm2d\"\n[[model.layer]]\ntype = \"relu\"\n"
    "[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\n[[model.layer]]\ntype = \"flatten\"\n"
    "[[model.layer]]\ntype = \"linear\"\nout_features = 16\n[[model.layer]]\ntype = \"batch_norm1d\"\n"
    "[[model.layer]]\ntype = \"relu\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n",
    "nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), "
    "nn.Linear(676, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 10))",
    "1,28,28"};

// Layers that take earlier outputs (a residual connection): the twin is a Graph, an nn.Sequential of
// the same layers (nn.Identity for the add) whose forward makes the same connections.
inline const TwinModel kResidual = {
    "residual",
    "[model]\ninput_shape = [1, 28, 28]\n"
    "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 4\nkernel_size = 3\npadding = 1\n"
    "[[model.layer]]\ntype = \"batch_norm2d\"\n[[model.layer]]\ntype = \"relu\"\nname = \"stem\"\n"
    "[[model.layer]]\ntype = \"conv2d\"\nout_channels = 4\nkernel_size = 3\npadding = 1\nbias = false\n"
    "[[model.layer]]\ntype = \"batch_norm2d\"\n[[model.layer]]\ntype = \"add\"\ninputs = [\"stem\"]\n"
    "[[model.layer]]\ntype = \"relu\"\n[[model.layer]]\ntype = \"max_pool2d\"\nkernel_size = 2\n"
    "[[model.layer]]\ntype = \"flatten\"\n[[model.layer]]\ntype = \"linear\"\nout_features = 10\n",
    "Graph(lambda f, x: (lambda stem: f[9](f[8](f[7](f[6](f[5](f[4](f[3](stem))) + stem)))))(f[2](f[1](f[0](x)))), "
    "nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1, bias=False), "
    "nn.BatchNorm2d(4), nn.Identity(), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(784, 10))",
    "1,28,28"};

// Writes `text` to `path` and returns the path.
inline std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// tests/io/torch_twin.py COMMAND ARGS... [-- COMMAND ARGS...], each argument shell-quoted: one command,
// or several in one run (torch imported once).
inline descent::testing::PythonRun run_twin(const std::vector<std::vector<std::string>>& commands) {
  std::string quoted;
  for (const std::vector<std::string>& args : commands) {
    if (!quoted.empty()) quoted.append(" --");
    for (const std::string& a : args) quoted.append(" ").append(util::shell_quote(a));
  }
  return descent::testing::run_python(std::string(DESCENT_SOURCE_DIR) + "/tests/io/torch_twin.py", quoted);
}

}  // namespace descent::cli::testing
