#pragma once
// docs/config.md, the reference of every config key, written from the table the config reader reads
// (config_keys.hpp) and from the registries of losses, optimizers, schedules, activations and inits:
// no list of keys or names is kept here. tools/descent_docs writes it; a test checks that the
// committed file matches.
#include <string>

namespace descent::train {

std::string config_markdown();

}  // namespace descent::train
