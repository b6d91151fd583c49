#include "descent/tensor/tensor.hpp"

#include <gtest/gtest.h>

#include "descent/descent.hpp"

namespace descent {
namespace {

using V = std::vector<double>;

TEST(Tensor, CreationFillsAndShapes) {
  EXPECT_EQ(zeros(Shape{2, 3}).to_vector(), V(6, 0.0));
  EXPECT_EQ(ones(Shape{2}, Dtype::Float64).to_vector(), V(2, 1.0));
  EXPECT_EQ(full(Shape{3}, 2.5).to_vector(), V(3, 2.5));
  const Tensor t = from_vector(V{1, 2, 3, 4, 5, 6}, Shape{2, 3}, Dtype::Float64);
  EXPECT_EQ(t.shape(), Shape({2, 3}));
  EXPECT_EQ(t.strides(), Shape({3, 1}));
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.size(-1), 3);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(arange(4).to_vector(), (V{0, 1, 2, 3}));
  EXPECT_THROW(from_vector(V{1, 2, 3}, Shape{2, 2}), ShapeError);
}

TEST(Tensor, SeededRandomIsReproducible) {
  Generator a(7), b(7), c(8);
  const auto x = randn(Shape{100}, Dtype::Float64, &a).to_vector();
  EXPECT_EQ(x, randn(Shape{100}, Dtype::Float64, &b).to_vector());
  EXPECT_NE(x, randn(Shape{100}, Dtype::Float64, &c).to_vector());
  const auto u = rand(Shape{1000}, Dtype::Float64, &a).to_vector();
  for (double v : u) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
}

TEST(Tensor, NormalSamplesHaveTheRightMoments) {
  Generator g(1);
  const auto x = normal(Shape{200000}, 1.5, 2.0, Dtype::Float64, &g).to_vector();
  double mean = 0, var = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  for (double v : x) var += (v - mean) * (v - mean);
  var /= x.size();
  EXPECT_NEAR(mean, 1.5, 0.02);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.02);
}

TEST(Tensor, ViewsShareStorage) {
  const Tensor t = from_vector(V{1, 2, 3, 4, 5, 6}, Shape{2, 3}, Dtype::Float64);
  const Tensor tt = t.view_transposed(0, 1);
  EXPECT_EQ(tt.shape(), Shape({3, 2}));
  EXPECT_FALSE(tt.is_contiguous());
  EXPECT_EQ(tt.to_vector(), (V{1, 4, 2, 5, 3, 6}));
  const Tensor row = t.view_narrowed(1, 1);
  EXPECT_EQ(row.to_vector(), (V{4, 5, 6}));
  t.data<double>()[3] = 40;
  EXPECT_EQ(row.at(0), 40);
  EXPECT_EQ(t.reshape(Shape{3, 2}).to_vector(), (V{1, 2, 3, 40, 5, 6}));
  EXPECT_EQ(t.reshape(Shape{-1}).shape(), Shape({6}));
  EXPECT_THROW(t.reshape(Shape{4, 2}), ShapeError);
  EXPECT_THROW(t.view_narrowed(1, 2), ShapeError);
}

TEST(Tensor, BroadcastingArithmetic) {
  const Tensor a = from_vector(V{1, 2, 3, 4, 5, 6}, Shape{2, 3}, Dtype::Float64);
  const Tensor row = tensor({10, 20, 30}, Dtype::Float64);
  const Tensor col = from_vector(V{100, 200}, Shape{2, 1}, Dtype::Float64);
  EXPECT_EQ((a + row).to_vector(), (V{11, 22, 33, 14, 25, 36}));
  EXPECT_EQ((a * col).to_vector(), (V{100, 200, 300, 800, 1000, 1200}));
  EXPECT_EQ((row - col).shape(), Shape({2, 3}));
  EXPECT_EQ((a / 2.0).to_vector(), (V{0.5, 1, 1.5, 2, 2.5, 3}));
  EXPECT_EQ((1.0 - a).to_vector(), (V{0, -1, -2, -3, -4, -5}));
  EXPECT_EQ((a.t() + 0.0).to_vector(), (V{1, 4, 2, 5, 3, 6}));  // strided operand
  try {
    (void)(a + tensor({1, 2}, Dtype::Float64));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3] and [2] do not broadcast"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)(a + tensor({1, 2, 3})), ValueError);  // float64 + float32
}

TEST(Tensor, Reductions) {
  const Tensor a = from_vector(V{1, 5, 3, 4, 2, 6}, Shape{2, 3}, Dtype::Float64);
  EXPECT_EQ(kernels::sum(a).item(), 21);
  EXPECT_EQ(kernels::sum(a, 0, false).to_vector(), (V{5, 7, 9}));
  EXPECT_EQ(kernels::sum(a, 1, true).shape(), Shape({2, 1}));
  EXPECT_EQ(kernels::mean(a, 1, false).to_vector(), (V{3, 4}));
  EXPECT_EQ(kernels::mean(a).item(), 3.5);
  auto [values, indices] = kernels::max(a, 1, false);
  EXPECT_EQ(values.to_vector(), (V{5, 6}));
  EXPECT_EQ(indices.to_vector(), (V{1, 2}));
  EXPECT_EQ(indices.dtype(), Dtype::Int64);
  EXPECT_EQ(kernels::argmax(a, 0, false).to_vector(), (V{1, 0, 1}));
  EXPECT_EQ(kernels::max(a).item(), 6);
  EXPECT_EQ(kernels::argmax(a).item(), 5);
  EXPECT_EQ(kernels::sum_to(a, Shape{1, 3}).to_vector(), (V{5, 7, 9}));
}

TEST(Tensor, Float32SumsAccumulateInDouble) {
  const Tensor a = full(Shape{10000000}, 0.1f);
  EXPECT_NEAR(kernels::sum(a).item(), 1e6, 1.0);  // naive float accumulation is off by ~1e4
}

TEST(Tensor, MatmulMatchesANaiveProduct) {
  Generator g(3);
  for (const bool ta : {false, true})
    for (const bool tb : {false, true}) {
      Tensor a = randn(ta ? Shape{4, 3} : Shape{3, 4}, Dtype::Float64, &g);
      Tensor b = randn(tb ? Shape{5, 4} : Shape{4, 5}, Dtype::Float64, &g);
      const Tensor av = ta ? a.view_transposed(0, 1) : a, bv = tb ? b.view_transposed(0, 1) : b;
      const Tensor c = kernels::matmul(av, bv);
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 5; ++j) {
          double s = 0;
          for (int k = 0; k < 4; ++k) s += av.at(i * 4 + k) * bv.at(k * 5 + j);
          EXPECT_NEAR(c.at(i * 5 + j), s, 1e-12);
        }
    }
  EXPECT_THROW(kernels::matmul(zeros(Shape{2, 3}), zeros(Shape{2, 3})), ShapeError);
}

TEST(Tensor, SoftmaxIsStableForLargeLogits) {
  const Tensor x = tensor({1000, 1001, 1002}, Dtype::Float64);
  const auto s = kernels::softmax(x, 0).to_vector();
  EXPECT_NEAR(s[2], 0.6652409557748219, 1e-15);  // e^2 / (1 + e + e^2)
  const auto l = kernels::log_softmax(x, 0).to_vector();
  EXPECT_NEAR(l[0], -2.4076059644443806, 1e-12);  // -log(1 + e + e^2)
  EXPECT_TRUE(kernels::all_finite(kernels::log_softmax(tensor({-1e30, 1e30}), 0)));
}

TEST(Tensor, GatherChecksIndices) {
  const Tensor a = from_vector(V{1, 2, 3, 4, 5, 6}, Shape{2, 3}, Dtype::Float64);
  const Tensor idx = from_vector(std::vector<std::int64_t>{2, 0}, Shape{2, 1});
  EXPECT_EQ(kernels::gather(a, 1, idx).to_vector(), (V{3, 4}));
  EXPECT_THROW(kernels::gather(a, 1, from_vector(std::vector<std::int64_t>{3, 0}, Shape{2, 1})), ValueError);
  EXPECT_EQ(kernels::one_hot(from_vector(std::vector<std::int64_t>{1, 0}, Shape{2}), 3, Dtype::Float32).to_vector(),
            (V{0, 1, 0, 1, 0, 0}));
}

TEST(Tensor, PrintsLikePyTorch) {
  EXPECT_EQ(to_string(from_vector(V{1, 2, 3, 4}, Shape{2, 2})),
            "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])");
  EXPECT_EQ(to_string(tensor({1.5}, Dtype::Float64)), "tensor([1.5000], dtype=float64)");
  EXPECT_EQ(to_string(full(Shape{}, 2.0)), "tensor(2.0000)");
}

TEST(Tensor, DtypeConversions) {
  const Tensor a = tensor({1.25, -2.5}, Dtype::Float64);
  EXPECT_EQ(a.to(Dtype::Float32).dtype(), Dtype::Float32);
  EXPECT_EQ(a.to(Dtype::Float32).to_vector(), (V{1.25, -2.5}));
  EXPECT_THROW(a.data<float>(), ValueError);
  EXPECT_EQ(dtype_from_string("float64"), Dtype::Float64);
  EXPECT_THROW(dtype_from_string("half"), ValueError);
}

TEST(Tensor, ShapesWhoseProductsOverflowAreErrors) {
  // [2^32, 2^32] wraps to 0 elements in 64-bit arithmetic: a tensor of it must not exist.
  EXPECT_THROW(numel(Shape{4294967296, 4294967296}), ShapeError);
  // Empty, but no tensor of these could be indexed: a stride or the count of the others overflows.
  EXPECT_THROW(contiguous_strides(Shape{0, 4294967296, 4294967296}), ShapeError);
  EXPECT_THROW(numel(Shape{4294967296, 4294967296, 0}), ShapeError);
  EXPECT_EQ(contiguous_strides(Shape{3, 0}), Shape({0, 1}));
  EXPECT_THROW(Tensor::empty(Shape{4294967296, 4294967296}), ShapeError);
  EXPECT_THROW(Tensor::empty(Shape{std::int64_t{1} << 62}, Dtype::Float64), ShapeError);  // 2^65 bytes
}

TEST(Tensor, LargerThanTheMemoryLimitIsRefusedBeforeAllocating) {
  setenv("DESCENT_MAX_MEMORY", "4M", 1);
  EXPECT_NO_THROW(Tensor::empty(Shape{1024, 1024}));  // 4 MiB of float32
  try {
    Tensor::empty(Shape{1025, 1024});
    ADD_FAILURE() << "no error";
  } catch (const MemoryLimitError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("a tensor of shape [1025, 1024] (float32) needs 4.004 MiB", 0), 0u)
        << e.what();
  }
  unsetenv("DESCENT_MAX_MEMORY");
  EXPECT_THROW(Tensor::empty(Shape{100000, 100000}), MemoryLimitError);  // 37 GiB, past the default 2 GiB
}

}  // namespace
}  // namespace descent
