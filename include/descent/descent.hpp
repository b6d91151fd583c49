#pragma once
// descent: the whole public API. Include the headers of one layer for less.
#include "descent/autograd/autograd.hpp"
#include "descent/diagnostics/gradcheck.hpp"
#include "descent/error.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/distance.hpp"
#include "descent/nn/init.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/losses/losses.hpp"
#include "descent/nn/module.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/optim/sgd.hpp"
#include "descent/tensor/tensor_all.hpp"
