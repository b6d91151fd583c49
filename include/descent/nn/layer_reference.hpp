#pragma once
// The reference of the model vocabulary, written from nn's registries (layer_types(), init_types()):
// no list of names or keys is kept here.
#include <string>

namespace descent::nn {

// docs/layers.md: every layer type with its summary and a table of its keys (kind, default, allowed
// values), then the MLP form's activations and inits. tools/descent_docs writes it; a test checks
// that the committed file matches.
std::string layers_markdown();

// For `descent train --help`: one line per layer type (its name and keys), then the activations and
// the inits, pointing to docs/layers.md for the rest.
std::string layers_help();

}  // namespace descent::nn
