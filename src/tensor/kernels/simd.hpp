#pragma once
// Hand-vectorized kernels for the hot loops of a training step, each compiled for AVX-512, AVX2 and
// baseline x86-64 and picked at run time, so the default build uses the widest vectors the CPU has.
//
// Matrix products too small for BLAS to pay off. OpenBLAS packs both operands into its own buffers
// on every call; for a mini-batch of 10 rows times a 30 x 784 weight that copying costs more than
// the arithmetic. These kernels work on the operands in place, with register blocking written in
// GCC vector extensions, compiled for AVX-512, AVX2 and baseline x86-64 and picked at run time.
#include <cstdint>

#include "descent/tensor/kernels/optimizer_steps.hpp"

namespace descent::kernels::simd {

// The widest instruction set this CPU runs, detected once at start-up.
enum class Isa { Avx512, Avx2, Sse2 };
Isa isa();

// All matrices row-major with leading dimensions; C = alpha * op(A) op(B) + beta * C, C (m, n).
// dot form: op(A) = A (m, k), op(B) = B^T with B (n, k).
template <class T>
void gemm_nt(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b,
             std::int64_t ldb, T beta, T* c, std::int64_t ldc);
// axpy form: op(B) = B (k, n); op(A) = A (m, k) or, when a_transposed, A^T with A (k, m).
template <class T>
void gemm_xn(bool a_transposed, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
             const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc);
// C += rate * op(A) B in the axpy form, each element as gemm_xn (alpha 1, beta 0) rounds the product and
// then as sgd_step_ (lr -rate) rounds its update: the optimizer's plain step fused into the product that
// makes the gradient. k at most gemm_xn_update_depth(): the whole sum is held in registers.
std::int64_t gemm_xn_update_depth();
template <class T>
void gemm_xn_update(bool a_transposed, std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t lda,
                    const T* b, std::int64_t ldb, T rate, T* c, std::int64_t ldc);
// gemm_nt with row i of A at a_rows[i] (k elements each): the convolution's weight gradient, transposed,
// with im2col's rows read in place. The same arithmetic as gemm_nt.
template <class T>
void gemm_nt_rows(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* const* a_rows, const T* b,
                  std::int64_t ldb, T beta, T* c, std::int64_t ldc);
// gemm_xn with op(A) = A and row p of B at b_rows[p] (n elements each): B's rows need not be evenly
// spaced, nor apart (the convolution's implicit im2col, conv.cpp). The same arithmetic as gemm_xn.
template <class T>
void gemm_xn_rows(std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* a, std::int64_t lda,
                  const T* const* b_rows, T beta, T* c, std::int64_t ldc);

// y = sigmoid(x) over n contiguous elements, with SLEEF's vector exponential.
template <class T>
void sigmoid(std::int64_t n, const T* x, T* y);

// y += alpha x over n contiguous elements.
template <class T>
void axpy(std::int64_t n, T alpha, const T* x, T* y);

// Rows of strided 2-d blocks, r < rows, k < len: dst[r * dst_stride + k] = src[r * src_stride + k]
// (copy_rows) or += (add_rows). im2col's and col2im's image rows are a few to a few dozen elements:
// a memcpy call, or a vector loop with a scalar tail, costs more than the copy; a masked vector
// handles the tail here (simd_rows.cpp).
template <class T>
void copy_rows(std::int64_t rows, std::int64_t len, const T* src, std::int64_t src_stride, T* dst,
               std::int64_t dst_stride);
template <class T>
void add_rows(std::int64_t rows, std::int64_t len, const T* src, std::int64_t src_stride, T* dst,
              std::int64_t dst_stride);

// Direct convolution at stride 1, one image (simd_conv.cpp). The input's planes come zero-padded:
// output (r, q) reads row r + i dh, column q + j dw of its padded plane for kernel tap (i, j), and
// each padded row reaches past the last output column's taps to a whole number of vectors.
struct DirectConvShape {
  std::int64_t c, o;    // input and output channels
  std::int64_t kh, kw;  // kernel
  std::int64_t dh, dw;  // dilation
  std::int64_t oh, ow;  // output plane
  std::int64_t xh, xw;  // padded input plane: xw >= ceil(ow / lanes) lanes + (kw - 1) dw
  std::int64_t gw;      // row stride of conv_direct_weight's output gradient: ceil(ow / lanes) lanes
};
// Lanes of T in the vectors the direct kernels use on this CPU.
template <class T>
int direct_lanes();
// y (o, oh, ow) = bias[o] + sum over c, i, j of w (o, c, kh, kw) times the padded input x (c, xh, xw);
// bias may be null.
template <class T>
void conv_direct_forward(const DirectConvShape& s, const T* x, const T* w, const T* bias, T* y);
// Per-lane partial sums of the weight's gradient: acc (o c kh kw, lanes) += dy (o, oh, gw) times the
// padded input, and bias_acc (o, lanes) += dy when not null. dy is zero past column ow of each row.
template <class T>
void conv_direct_weight(const DirectConvShape& s, const T* x, const T* dy, T* acc, T* bias_acc);

// dst[i] = src[i] * scale over n bytes: image pixels to floats (simd_bytes.cpp).
void bytes_to_float(std::int64_t n, const std::uint8_t* src, float scale, float* dst);

// Max pooling with 2 x 2 windows, stride 2, no padding (LeNet's): `planes` planes of h x w floats
// to oh x ow outputs, with each maximum's flat index in its plane; the first maximum wins ties and a
// NaN wins over numbers, as in kernels::max_pool2d (simd_pool.cpp).
void max_pool_2x2(std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh, std::int64_t ow, const float* x,
                  float* y, std::int64_t* idx);

// The optimizers' fused updates (optimizer_steps.hpp), over n elements of a parameter, its gradient
// and up to three state buffers, in the order of that header's arguments; an unused one is null
// (simd_optim.cpp).
template <class T>
struct StepBuffers {
  std::int64_t n = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* state[3] = {nullptr, nullptr, nullptr};
};
template <class T>
void sgd_step(const StepBuffers<T>& b, const SgdStep& s);
template <class T>
void adam_step(const StepBuffers<T>& b, const AdamStep& s);
template <class T>
void adagrad_step(const StepBuffers<T>& b, const AdagradStep& s);
template <class T>
void adadelta_step(const StepBuffers<T>& b, const AdadeltaStep& s);
template <class T>
void rmsprop_step(const StepBuffers<T>& b, const RmspropStep& s);

}  // namespace descent::kernels::simd
