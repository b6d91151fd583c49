// The matrix products of one training step of the MLP [784, 1024, 1024, 10] at batch 256
// (bench/mlp1024.toml), each timed through descent's kernel entry point as the step calls it and through
// OpenBLAS's cblas_sgemm with the same shapes, transposes and operands (bench/README.md).
//
// Usage: gemm [--threads T] [--reps N] [--min-ms MS] [--tsv FILE]
//   --threads T  threads of both sides (descent::kernels::set_num_threads, which sets OpenBLAS's too)
//   --reps N     repetitions of every product on each side, interleaved (default 7)
//   --min-ms MS  the least time of one repetition: calls are repeated until it is reached (default 100)
//   --tsv FILE   appends one row per product, side and repetition: threads openblas_core product m n k
//                impl rep seconds_per_call gflops (with that header line when the file is new)
// OpenBLAS picks its kernels for the CPU when it loads, or as OPENBLAS_CORETYPE says; openblas_core is
// the choice (openblas_get_corename), which both sides' OpenBLAS calls run.
// Prints the median GFLOP/s of each product on each side, their ratio, and the same for the whole step
// (its FLOPs over the sum of the median times).
//
// What descent calls (src/autograd/ops/linalg.cpp, src/tensor/kernels/blas.cpp): Linear's forward is
// kernels::linear, which fills the output with the bias and calls gemm(x, false, w, true, y, 1, 1);
// its backward calls gemm(dy, false, w, false, dx, 1, 0) for the input's gradient (not for the first
// layer, whose input needs none) and gemm(dy, true, x, false, dw, 1, 0) for the weight's. Every
// operand is a contiguous row-major tensor. The bias fill and the bias gradient are not products and
// are left out here.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "descent/tensor/creation.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/tensor.hpp"

namespace {

using descent::Shape;
using descent::Tensor;
using Clock = std::chrono::steady_clock;

struct Product {
  std::string name;  // as the step computes it
  Tensor a;
  bool trans_a;
  Tensor b;
  bool trans_b;
  Tensor c;
  double beta;
  std::int64_t m, n, k;
};

Product make(std::string name, const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, double beta) {
  const std::int64_t m = trans_a ? a.shape()[1] : a.shape()[0];
  const std::int64_t k = trans_a ? a.shape()[0] : a.shape()[1];
  const std::int64_t n = trans_b ? b.shape()[0] : b.shape()[1];
  return {std::move(name), a, trans_a, b, trans_b, descent::zeros(Shape{m, n}), beta, m, n, k};
}

void run_descent(const Product& p) { descent::kernels::gemm(p.a, p.trans_a, p.b, p.trans_b, p.c, 1, p.beta); }

void run_openblas(const Product& p) {
  cblas_sgemm(CblasRowMajor, p.trans_a ? CblasTrans : CblasNoTrans, p.trans_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(p.m), static_cast<int>(p.n), static_cast<int>(p.k), 1.0f, p.a.data<float>(),
              static_cast<int>(p.a.shape()[1]), p.b.data<float>(), static_cast<int>(p.b.shape()[1]),
              static_cast<float>(p.beta), p.c.data<float>(), static_cast<int>(p.n));
}

// Seconds per call: `calls` calls timed together.
template <class Run>
double time_calls(Run&& run, const Product& p, std::int64_t calls) {
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < calls; ++i) run(p);
  return std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(calls);
}

// How many calls make up min_seconds, after a warm-up of about a tenth of that.
template <class Run>
std::int64_t calibrate(Run&& run, const Product& p, double min_seconds) {
  double per_call = time_calls(run, p, 1);
  std::int64_t calls = 1;
  while (per_call * static_cast<double>(calls) < min_seconds / 10) calls *= 2;
  per_call = time_calls(run, p, calls);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(min_seconds / per_call)));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

double gflop(const Product& p) { return 2.0 * static_cast<double>(p.m * p.n * p.k) / 1e9; }

// The largest difference between descent's and OpenBLAS's result, over the largest magnitude: a check
// that both compute the same product (run with beta = 0, from the same operands).
double relative_difference(const Product& p) {
  Product q = p;
  q.beta = 0;
  q.c = descent::zeros(Shape{p.m, p.n});
  run_descent(q);
  const std::vector<double> ours = q.c.to_vector();
  run_openblas(q);
  const std::vector<double> theirs = q.c.to_vector();
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    diff = std::max(diff, std::fabs(ours[i] - theirs[i]));
    scale = std::max(scale, std::fabs(theirs[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

int usage(const char* message) {
  std::cerr << "gemm: " << message << "\nusage: gemm [--threads T] [--reps N] [--min-ms MS] [--tsv FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, reps = 7;
  double min_ms = 100;
  std::string tsv;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + flag).c_str());
    const std::string value = argv[i + 1];
    if (flag == "--threads") threads = std::atoi(value.c_str());
    else if (flag == "--reps") reps = std::atoi(value.c_str());
    else if (flag == "--min-ms") min_ms = std::atof(value.c_str());
    else if (flag == "--tsv") tsv = value;
    else return usage(("unknown argument " + flag).c_str());
  }
  if (threads < 1 || reps < 1 || !(min_ms > 0)) return usage("--threads, --reps and --min-ms must be positive");
  descent::kernels::set_num_threads(threads);
  const std::string core = openblas_get_corename();

  // The step's activations and weights (values from N(0, 1): only their shapes matter for speed).
  descent::Generator gen(1);
  auto randn = [&](std::int64_t rows, std::int64_t cols) {
    return descent::randn(Shape{rows, cols}, descent::Dtype::Float32, &gen);
  };
  const std::int64_t batch = 256;
  const Tensor x = randn(batch, 784), h1 = randn(batch, 1024), h2 = randn(batch, 1024);
  const Tensor w1 = randn(1024, 784), w2 = randn(1024, 1024), w3 = randn(10, 1024);
  const Tensor g1 = randn(batch, 1024), g2 = randn(batch, 1024), g3 = randn(batch, 10);
  std::vector<Product> products;
  products.push_back(make("fwd1 X W1^T", x, false, w1, true, 1));
  products.push_back(make("fwd2 H1 W2^T", h1, false, w2, true, 1));
  products.push_back(make("fwd3 H2 W3^T", h2, false, w3, true, 1));
  products.push_back(make("dX3 G3 W3", g3, false, w3, false, 0));
  products.push_back(make("dW3 G3^T H2", g3, true, h2, false, 0));
  products.push_back(make("dX2 G2 W2", g2, false, w2, false, 0));
  products.push_back(make("dW2 G2^T H1", g2, true, h1, false, 0));
  products.push_back(make("dW1 G1^T X", g1, true, x, false, 0));

  const double min_seconds = min_ms / 1000;
  std::vector<std::int64_t> calls_descent, calls_openblas;
  for (const Product& p : products) {
    calls_descent.push_back(calibrate(run_descent, p, min_seconds));
    calls_openblas.push_back(calibrate(run_openblas, p, min_seconds));
  }
  std::ofstream out;
  if (!tsv.empty()) {
    out.open(tsv, std::ios::app);
    if (!out) {
      std::cerr << "gemm: cannot write " << tsv << "\n";
      return 1;
    }
    if (out.tellp() == 0) out << "threads\topenblas_core\tproduct\tm\tn\tk\timpl\trep\tseconds_per_call\tgflops\n";
  }
  std::vector<std::vector<double>> ours(products.size()), theirs(products.size());
  for (int rep = 1; rep <= reps; ++rep) {
    for (std::size_t i = 0; i < products.size(); ++i) {
      const Product& p = products[i];
      // Alternate which side goes first, so drift in machine load falls on both alike.
      for (int side = 0; side < 2; ++side) {
        const bool descent_side = (side + rep + static_cast<int>(i)) % 2 == 0;
        const double seconds = descent_side ? time_calls(run_descent, p, calls_descent[i])
                                            : time_calls(run_openblas, p, calls_openblas[i]);
        (descent_side ? ours : theirs)[i].push_back(seconds);
        if (out.is_open())
          out << threads << '\t' << core << '\t' << p.name << '\t' << p.m << '\t' << p.n << '\t' << p.k << '\t'
              << (descent_side ? "descent" : "openblas") << '\t' << rep << '\t' << seconds << '\t' << gflop(p) / seconds
              << '\n';
      }
    }
  }

  std::printf("threads %d, OpenBLAS core %s, median of %d repetitions of >= %.0f ms each\n", threads, core.c_str(),
              reps, min_ms);
  std::printf("%-14s %16s %6s  %15s %16s %16s %12s\n", "product", "m x n x k", "op", "descent GFLOP/s",
              "OpenBLAS GFLOP/s", "descent/OpenBLAS", "rel. diff");
  double total_flop = 0, total_ours = 0, total_theirs = 0;
  for (std::size_t i = 0; i < products.size(); ++i) {
    const Product& p = products[i];
    const double ours_s = median(ours[i]), theirs_s = median(theirs[i]);
    total_flop += gflop(p);
    total_ours += ours_s;
    total_theirs += theirs_s;
    const std::string shape = std::to_string(p.m) + "x" + std::to_string(p.n) + "x" + std::to_string(p.k);
    const std::string op = std::string(p.trans_a ? "T" : "N") + (p.trans_b ? "T" : "N");
    std::printf("%-14s %16s %6s  %15.1f %16.1f %16.2f %12.1e\n", p.name.c_str(), shape.c_str(), op.c_str(),
                gflop(p) / ours_s, gflop(p) / theirs_s, theirs_s / ours_s, relative_difference(p));
  }
  std::printf("%-14s %16s %6s  %15.1f %16.1f %16.2f\n", "step total", "", "", total_flop / total_ours,
              total_flop / total_theirs, total_theirs / total_ours);
  std::printf("(%.3f GFLOP a step: descent %.2f ms, OpenBLAS %.2f ms)\n", total_flop, total_ours * 1e3,
              total_theirs * 1e3);
}
