// LeNet-5's convolutions and max pooling (batch 64, float32), timed on each side at 1 and 2 threads:
// per operation, the median over repetitions of the mean time of a block of calls, the sides' blocks
// interleaved in every repetition so that a drift in the machine's speed reaches all of them alike.
// The step total sums the operations one training step runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

#include "side.hpp"

namespace bench {

constexpr const char* kUsage =
    "[--reps N (9)] [--ms MS per block (40)] [--threads T (1, then 2)] [SIDE ...: names or parts of names]";

const Data& data() {
  static const Data d = [] {
    std::mt19937 gen(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto randn = [&](std::size_t n) {
      std::vector<float> v(n);
      for (float& x : v) x = normal(gen);
      return v;
    };
    auto conv = [&](const ConvShape& s, std::vector<float>& x, std::vector<float>& w, std::vector<float>& b,
                    std::vector<float>& dy) {
      x = randn(std::size_t{kBatch} * s.c * s.h * s.w);
      w = randn(std::size_t(s.o) * s.c * s.k * s.k);
      b = randn(std::size_t(s.o));
      dy = randn(std::size_t{kBatch} * s.o * s.oh() * s.ow());
    };
    Data r;
    conv(kConv1, r.x1, r.w1, r.b1, r.dy1);
    conv(kConv2, r.x2, r.w2, r.b2, r.dy2);
    r.p1 = randn(std::size_t{kBatch} * kPool1.c * kPool1.h * kPool1.w);
    r.dp1 = randn(r.p1.size() / 4);
    r.p2 = randn(std::size_t{kBatch} * kPool2.c * kPool2.h * kPool2.w);
    r.dp2 = randn(r.p2.size() / 4);
    return r;
  }();
  return d;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_of(const Op& op, int iterations) {
  const auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) op.run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Largest difference from descent's result, relative to the largest magnitude of descent's result.
double relative_difference(const std::vector<float>& ours, const std::vector<float>& theirs) {
  if (ours.size() != theirs.size()) return INFINITY;
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    diff = std::max(diff, double(std::fabs(ours[i] - theirs[i])));
    scale = std::max(scale, double(std::fabs(ours[i])));
  }
  return diff / scale;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void measure(std::vector<Side>& sides, int threads, int repetitions, double block_seconds) {
  const std::size_t n_ops = sides[0].ops.size();
  // iterations per block, from a few calls after a warm-up
  std::vector<std::vector<int>> iterations(sides.size(), std::vector<int>(n_ops));
  for (std::size_t s = 0; s < sides.size(); ++s)
    for (std::size_t o = 0; o < n_ops; ++o) {
      seconds_of(sides[s].ops[o], 3);
      const double t = seconds_of(sides[s].ops[o], 10) / 10;
      iterations[s][o] = std::max(5, static_cast<int>(block_seconds / t));
    }
  std::vector<std::vector<std::vector<double>>> us(sides.size(), std::vector<std::vector<double>>(n_ops));
  for (int r = 0; r < repetitions; ++r)
    for (std::size_t o = 0; o < n_ops; ++o)
      for (std::size_t s = 0; s < sides.size(); ++s) {
        seconds_of(sides[s].ops[o], 2);  // another side's threads may still be spinning
        us[s][o].push_back(1e6 * seconds_of(sides[s].ops[o], iterations[s][o]) / iterations[s][o]);
      }
  std::printf("\n%d thread%s: median us per call (spread: (max - min) / 2 over %d repetitions, %% of median)\n\n",
              threads, threads > 1 ? "s" : "", repetitions);
  std::printf("| op |");
  for (const Side& s : sides) std::printf(" %s |", s.name.c_str());
  std::printf("\n|---|");
  for (std::size_t s = 0; s < sides.size(); ++s) std::printf("---:|");
  std::printf("\n");
  std::vector<double> total(sides.size(), 0.0);
  double best_total = 0;
  std::string best_sides;
  for (std::size_t o = 0; o < n_ops; ++o) {
    std::printf("| %s |", sides[0].ops[o].name.c_str());
    std::size_t best = 0;
    for (std::size_t s = 0; s < sides.size(); ++s)
      if (median(us[s][o]) < median(us[best][o])) best = s;
    best_total += median(us[best][o]);
    best_sides += "; " + sides[0].ops[o].name + ": " + sides[best].name;
    for (std::size_t s = 0; s < sides.size(); ++s) {
      const double m = median(us[s][o]);
      const auto [lo, hi] = std::minmax_element(us[s][o].begin(), us[s][o].end());
      total[s] += m;
      std::printf(" %.1f (%.0f%%) |", m, 50 * (*hi - *lo) / m);
    }
    std::printf("\n");
  }
  std::printf("| **step total** |");
  for (double t : total) std::printf(" **%.1f** |", t);
  std::printf("\n| descent / side |");
  for (double t : total) std::printf(" %.2f |", total[0] / t);
  // What a mix of the sides would reach, each operation from the fastest side.
  std::printf("\n\nfastest side per op: total %.1f us, descent / that %.2f (%s)\n", best_total, total[0] / best_total,
              best_sides.substr(2).c_str());
}

// The sides asked for (further arguments: names, or parts of names; descent always runs), made for
// `threads` threads, each checked against descent's results.
std::vector<Side> make_sides(const std::vector<std::string>& names, int threads) {
  auto wanted = [&](const std::string& name) {
    bool any = names.empty();
    for (const std::string& n : names) any = any || name.find(n) != std::string::npos;
    return any;
  };
  std::vector<Side> sides;
  sides.push_back(descent_side());
  if (wanted("descent im2col")) sides.push_back(descent_side(true));
  if (wanted("oneDNN nchw")) sides.push_back(dnnl_side(false, threads));
  if (wanted("oneDNN any+reorders")) sides.push_back(dnnl_side(true, threads));
  if (wanted("im2col+libxsmm")) sides.push_back(xsmm_side(sides[0]));
  if (wanted("direct")) sides.push_back(direct_side(sides[0]));
  for (Side& s : sides) s.set_threads(threads);
  for (const Side& s : sides)
    if (!s.impl.empty()) std::printf("%s: %s\n", s.name.c_str(), s.impl.c_str());
  std::printf("\n%d thread%s: largest difference from descent, relative to descent's largest value:\n", threads,
              threads > 1 ? "s" : "");
  for (std::size_t o = 0; o < sides[0].ops.size(); ++o) {
    sides[0].ops[o].run();
    const std::vector<float> ours = sides[0].ops[o].result();
    std::printf("  %-18s", sides[0].ops[o].name.c_str());
    for (std::size_t s = 1; s < sides.size(); ++s) {
      if (sides[s].ops[o].name != sides[0].ops[o].name) throw std::logic_error("the sides' operations differ");
      sides[s].ops[o].run();
      std::printf("  %s %.1e", sides[s].name.c_str(), relative_difference(ours, sides[s].ops[o].result()));
    }
    std::printf("\n");
  }
  return sides;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  int repetitions = 9;
  double block_ms = 40;
  std::vector<int> thread_counts{1, 2};
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) repetitions = std::atoi(argv[++i]);
    else if (a == "--ms" && i + 1 < argc) block_ms = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) thread_counts = {std::atoi(argv[++i])};
    else if (a.rfind("--", 0) == 0) return std::fprintf(stderr, "usage: %s %s\n", argv[0], bench::kUsage), 2;
    else names.push_back(a);
  }
  for (int threads : thread_counts) {
    std::vector<bench::Side> sides = bench::make_sides(names, threads);
    bench::measure(sides, threads, repetitions, block_ms / 1e3);
  }
}
