#pragma once
// Matrix products through OpenBLAS's cblas interface.
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// c = alpha * op(a) op(b) + beta * c for 2-d a, b, c (c contiguous). op transposes when the flag is set.
// Transposed views are handed to BLAS as they are, never copied.
void gemm(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, const Tensor& c, double alpha, double beta);

// c += rate * op(a) op(b), bit for bit as gemm(a, trans_a, b, trans_b, g, 1, 0) followed by
// sgd_step_(c, g, {}, {.lr = -rate}): plain SGD's update fused into the product that makes the gradient
// g (a captured training step's weight gradient), which is then never written, where the product runs
// in descent's axpy form with a short k (a small batch); else it is exactly those two calls, with
// `scratch` (c's shape and dtype, not c) as g.
void gemm_update_(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, const Tensor& c, double rate,
                  const Tensor& scratch);

// PyTorch's matmul for 1-d and 2-d operands, and batched (b, m, k) x (b, k, n) or (..., m, k) x (k, n).
Tensor matmul(const Tensor& a, const Tensor& b);

// y = x w^T + bias: x (N, in), w (out, in), bias (out) or undefined -> (N, out). One GEMM. Into `out`
// when it is a contiguous (N, out) tensor of x's dtype (a captured training step's buffer).
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out = Tensor());
// relu(linear(x, w, bias)) into `out`, the same bits as the two calls: one pass where the product runs
// in oneDNN, else linear into `pre` (the pre-activation, left there) and ReLU from it. Both buffers as
// linear's `out`; an undefined one is allocated.
Tensor linear_relu(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& pre, const Tensor& out);

// Threads used by BLAS and by descent's own parallel loops.
void set_num_threads(int n);
int get_num_threads();

}  // namespace descent::kernels
