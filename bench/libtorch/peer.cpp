// The LibTorch peer of bench/run.sh: W1, LeNet or the MLP written as LibTorch's own examples write a
// model (torch::nn::Sequential, torch::optim::SGD, zero_grad / backward / step), the C++ a user would
// pick instead of descent. The data handling and the timed region are torch_side.py's: the IDX files
// read before timing into float32 tensors in [0, 1]; each epoch a torch::randperm, each mini-batch
// gathered with index_select as it goes. Prints one JSON line per epoch with the keys of descent's
// --metrics lines.
// Usage: peer WORKLOAD --data-dir DIR [--threads T] [--epochs N] [--seed S] [--adam]
//   WORKLOAD: w1 | lenet | mlp1024; --adam (W1): torch::optim::Adam lr 0.001 instead of SGD lr 3.0
#include <torch/torch.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// An IDX file (gzip) as its dimensions and bytes; zlib rather than a hand-written inflate.
std::vector<unsigned char> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<unsigned char> data;
  unsigned char chunk[1 << 16];
  for (int n; (n = gzread(f, chunk, sizeof chunk)) > 0;) data.insert(data.end(), chunk, chunk + n);
  gzclose(f);
  return data;
}

std::int64_t be32(const unsigned char* p) { return (std::int64_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }

// (images as float32 rows in [0, 1], labels as int64) of split "train" or "t10k".
std::pair<torch::Tensor, torch::Tensor> load(const std::string& dir, const std::string& split) {
  const std::vector<unsigned char> images = read_gz(dir + "/" + split + "-images-idx3-ubyte.gz");
  const std::vector<unsigned char> labels = read_gz(dir + "/" + split + "-labels-idx1-ubyte.gz");
  const std::int64_t n = be32(images.data() + 4), rows = be32(images.data() + 8), cols = be32(images.data() + 12);
  torch::Tensor x = torch::from_blob(const_cast<unsigned char*>(images.data() + 16), {n, rows * cols}, torch::kUInt8)
                        .to(torch::kFloat32)
                        .div_(255.0);
  torch::Tensor y =
      torch::from_blob(const_cast<unsigned char*>(labels.data() + 8), {n}, torch::kUInt8).to(torch::kInt64);
  return {x, y};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: peer w1|lenet|mlp1024 --data-dir DIR [--threads T] [--epochs N] [--seed S]\n";
    return 2;
  }
  const std::string workload = argv[1];
  std::string data_dir;
  int threads = 1, epochs = 1, seed = 1;
  bool adam = false;
  for (int i = 2; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--adam") {
      adam = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "peer: " << flag << " needs a value\n";
      return 2;
    }
    const std::string value = argv[i + 1];
    if (flag == "--data-dir") data_dir = value;
    else if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--epochs") epochs = std::stoi(value);
    else if (flag == "--seed") seed = std::stoi(value);
    else {
      std::cerr << "peer: unknown flag " << flag << "\n";
      return 2;
    }
  }
  torch::set_num_threads(threads);
  torch::manual_seed(seed);
  auto [x, labels] = load(data_dir, "train");
  auto [x_test, y_test] = load(data_dir, "t10k");

  torch::nn::Sequential model;
  std::int64_t batch = 0;
  double lr = 0, momentum = 0;
  torch::Tensor targets = labels;
  if (workload == "w1") {
    model = torch::nn::Sequential(torch::nn::Linear(784, 30), torch::nn::Sigmoid(), torch::nn::Linear(30, 10),
                                  torch::nn::Sigmoid());
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.normal_(0.0, 1.0);  // Nielsen's init
    targets = torch::one_hot(labels, 10).to(torch::kFloat32);
    batch = 10;
    lr = 3.0;
  } else if (workload == "lenet") {
    model = torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 6, 5).padding(2)), torch::nn::ReLU(),
                                  torch::nn::MaxPool2d(2), torch::nn::Conv2d(6, 16, 5), torch::nn::ReLU(),
                                  torch::nn::MaxPool2d(2), torch::nn::Flatten(), torch::nn::Linear(400, 120),
                                  torch::nn::ReLU(), torch::nn::Linear(120, 84), torch::nn::ReLU(),
                                  torch::nn::Linear(84, 10));
    x = x.reshape({-1, 1, 28, 28});
    x_test = x_test.reshape({-1, 1, 28, 28});
    batch = 64;
    lr = 0.01;
    momentum = 0.9;
  } else if (workload == "mlp1024") {
    model = torch::nn::Sequential(torch::nn::Linear(784, 1024), torch::nn::ReLU(), torch::nn::Linear(1024, 1024),
                                  torch::nn::ReLU(), torch::nn::Linear(1024, 10));
    batch = 256;
    lr = 0.05;
    momentum = 0.9;
  } else {
    std::cerr << "peer: unknown workload " << workload << " (w1, lenet or mlp1024)\n";
    return 2;
  }
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (adam) optimizer = std::make_unique<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(0.001));
  else
    optimizer =
        std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(lr).momentum(momentum));
  auto loss_of = [&](const torch::Tensor& out, const torch::Tensor& t) {
    if (workload == "w1") return 0.5 * (out - t).pow(2).sum(1).mean();  // Nielsen's quadratic cost
    return torch::nn::functional::cross_entropy(out, t);
  };

  const std::int64_t n = x.size(0);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    model->train();
    torch::Tensor loss_sum = torch::zeros({});
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor perm = torch::randperm(n);
    for (std::int64_t i = 0; i < n; i += batch) {
      const torch::Tensor idx = perm.slice(0, i, std::min(i + batch, n));
      const torch::Tensor xb = x.index_select(0, idx), tb = targets.index_select(0, idx);
      const torch::Tensor loss = loss_of(model->forward(xb), tb);
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
      loss_sum += loss.detach() * xb.size(0);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    model->eval();
    torch::NoGradGuard no_grad;
    const std::int64_t correct = model->forward(x_test).argmax(1).eq(y_test).sum().item<std::int64_t>();
    const std::int64_t total = y_test.size(0);
    std::printf(
        "{\"epoch\": %d, \"train_loss\": %.6f, \"test_correct\": %lld, \"test_total\": %lld, \"test_accuracy\": %.6f, "
        "\"seconds\": %.6f, \"samples_per_second\": %.1f, \"threads\": %d, \"impl\": \"libtorch %s\"}\n",
        epoch, loss_sum.item<double>() / static_cast<double>(n), static_cast<long long>(correct),
        static_cast<long long>(total), static_cast<double>(correct) / static_cast<double>(total), seconds,
        static_cast<double>(n) / seconds, threads, TORCH_VERSION);
    std::fflush(stdout);
  }
}
