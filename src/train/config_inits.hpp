#pragma once
// [model] weight_init and bias_init: inits of one tensor (descent/nn/tensor_init_type.hpp), for every
// Linear layer of the MLP form or as the default of each linear and conv2d layer of the layer form;
// init_from and init_strict: a file of weights to start from instead (io/state_dict_file.hpp).
#include "config_section.hpp"
#include "descent/train/config.hpp"

namespace descent::train::config_reader {

// Reads those keys into `m` (init_from's path resolved against the config file's directory), after the rest of [model]
// (the MLP form's bias = false allows no bias_init).
void read_model_inits(const Section& model, ModelConfig& m);

}  // namespace descent::train::config_reader
