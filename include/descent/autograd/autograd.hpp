#pragma once
// The autograd layer: the tape, the engine, gradient mode and every differentiable op.
#include "descent/autograd/engine.hpp"
#include "descent/autograd/function.hpp"
#include "descent/autograd/grad_mode.hpp"
#include "descent/autograd/node.hpp"
#include "descent/autograd/ops/activation.hpp"
#include "descent/autograd/ops/arithmetic.hpp"
#include "descent/autograd/ops/indexing.hpp"
#include "descent/autograd/ops/linalg.hpp"
#include "descent/autograd/ops/reduction.hpp"
#include "descent/autograd/ops/shape.hpp"
