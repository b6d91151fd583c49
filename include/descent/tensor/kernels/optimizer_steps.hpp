#pragma once
// The optimizers' updates, fused: one pass over a parameter tensor in which the parameter, its
// gradient and its state buffers are each read once and written once, the whole update done in
// vector registers (what PyTorch's fused=True does). The chain of elementwise kernels it replaces
// took a pass over memory per operation, with temporaries; for small tensors the calls cost more
// than the arithmetic.
//
// Each element is computed as that chain computed it: in the tensor's dtype, operation by operation,
// with the scalars converted to it as the kernels did, and y + a * x rounded once (an FMA) where
// add_ rounded it once (AVX2 and AVX-512), so the results are those of the chain. The rules' formulas
// are in descent/optim/*.hpp.
//
// Every tensor must be contiguous (the gradient may be strided), of the parameter's shape and
// floating dtype; a state buffer the options leave unused is passed undefined.
#include "descent/tensor/tensor.hpp"

namespace descent::kernels {

// SGD: L2 decay and maximize into g, then momentum (first: the buffer's first step, b <- g).
struct SgdStep {
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false, first = false;
};
void sgd_step_(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer, const SgdStep& s);

// Adam and AdamW: weight_decay is Adam's L2 term in g; decay multiplies p first (AdamW's 1 - lr wd).
struct AdamStep {
  double beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0, decay = 1;
  double step_size = 0;              // lr / (1 - beta1^t)
  double bias_correction2_sqrt = 1;  // sqrt(1 - beta2^t)
  bool amsgrad = false, maximize = false;
};
void adam_step_(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                const Tensor& max_exp_avg_sq, const AdamStep& s);

// Adagrad, at this step's decayed learning rate clr = lr / (1 + (t - 1) lr_decay).
struct AdagradStep {
  double clr = 0, eps = 0, weight_decay = 0;
  bool maximize = false;
};
void adagrad_step_(const Tensor& param, const Tensor& grad, const Tensor& sum, const AdagradStep& s);

struct AdadeltaStep {
  double lr = 0, rho = 0, eps = 0, weight_decay = 0;
  bool maximize = false;
};
void adadelta_step_(const Tensor& param, const Tensor& grad, const Tensor& square_avg, const Tensor& acc_delta,
                    const AdadeltaStep& s);

// RMSprop: grad_avg only when centered, momentum_buffer only when momentum > 0.
struct RmspropStep {
  double lr = 0, alpha = 0, eps = 0, weight_decay = 0, momentum = 0;
  bool centered = false, maximize = false;
};
void rmsprop_step_(const Tensor& param, const Tensor& grad, const Tensor& square_avg, const Tensor& grad_avg,
                   const Tensor& momentum_buffer, const RmspropStep& s);

}  // namespace descent::kernels
