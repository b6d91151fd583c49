#pragma once
// The keys of the training workflow: [data] validation (examples held out from training) and [train]
// early_stopping = {metric, patience, min_delta}, each checked against the rest of the config (a val_
// metric needs a validation set; an accuracy needs a classifier; pairs take no validation split).
#include "config_section.hpp"
#include "descent/train/config.hpp"

namespace descent::train::config_reader {

// data.validation, an integer >= 0, into `d`.
void read_validation(const Section& data, DataConfig& d);
// train.early_stopping: a table of metric, patience and min_delta, each optional; nullopt when absent.
std::optional<EarlyStoppingConfig> read_early_stopping(const Section& train);
// After every section is read: the validation split fits the data (not with model.siamese; leaves
// inline rows to train on) and the early-stopping metric is one this run measures.
void check_workflow(const Section& data, const Section& train, const TrainConfig& c);

}  // namespace descent::train::config_reader
