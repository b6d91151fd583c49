#pragma once
// The tensor layer: tensors, creation, printing and the raw (gradient-free) kernels.
#include "descent/tensor/creation.hpp"
#include "descent/tensor/dtype.hpp"
#include "descent/tensor/generator.hpp"
#include "descent/tensor/kernels/blas.hpp"
#include "descent/tensor/kernels/elementwise.hpp"
#include "descent/tensor/kernels/indexing.hpp"
#include "descent/tensor/kernels/reduction.hpp"
#include "descent/tensor/kernels/softmax.hpp"
#include "descent/tensor/print.hpp"
#include "descent/tensor/shape.hpp"
#include "descent/tensor/storage.hpp"
#include "descent/tensor/tensor.hpp"
