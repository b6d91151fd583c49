#pragma once
// [model.blocks]: named blocks of layers in the layer form, written once and used as often as wanted.
//
//   [[model.blocks.basic.layer]]  # the block's layers, as [[model.layer]] tables
//   type = "conv2d"
//   out_channels = "$channels"    # a parameter: the value each use of the block gives
//   ...
//   [[model.blocks.basic.layer]]
//   type = "add"
//   inputs = ["in"]               # "in": the block's input
//
//   [[model.layer]]               # a use: the block's layers, here
//   type = "block"
//   block = "basic"
//   name = "stage1"               # names the block's output (its last layer)
//   channels = 16
//
// Uses are replaced by their blocks' layers before the layers are read, so layer indices (in messages
// and parameter names) count the layers after expansion. In a block, a string "$p" (a value, or an
// element of an array) is the use's value of p: every parameter must be given, and nothing else. Names
// are the block's own: "x" becomes "stage1.x" (the use's name, else "block" and the use's index), the
// last layer takes the use's name, and "in" is the block's input: the use's input = "...", else the
// layer before the use (named "stage1.in" when it has no name). A block's layers use no block.
#include "config_section.hpp"

namespace descent::train::config_reader {

// The [[model.layer]] tables of `model` with every use of a block replaced by its layers; ConfigError
// naming the key for an unknown block, a missing or unknown parameter, or a malformed block.
toml::array expand_blocks(const Section& model, const toml::array& layers);

}  // namespace descent::train::config_reader
