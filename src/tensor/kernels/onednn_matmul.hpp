#pragma once
// oneDNN's matmul primitive for the large float32 products of blas.cpp: C = op(A) op(B) (+ bias)
// (+ C), then ReLU if asked, row-major with leading dimensions, as cblas_sgemm names them.
#include <cstdint>

namespace descent::kernels {

struct OneDnnProduct {
  bool trans_a = false, trans_b = false;
  std::int64_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  std::int64_t lda = 0;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  float* c = nullptr;
  std::int64_t ldc = 0;
  bool accumulate = false;      // C += op(A) op(B) (beta 1), else C = op(A) op(B)
  const float* bias = nullptr;  // (n), added to every row of the product, or null
  bool relu = false;            // C = max(C, 0) last, as UnaryOp::Relu (+0 for negatives and NaN)
  int threads = 1;
};

// Runs the product and returns true; false, computing nothing, in a build without oneDNN or where
// oneDNN refuses the shapes.
bool onednn_matmul(const OneDnnProduct& p);

}  // namespace descent::kernels
