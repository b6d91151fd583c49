#pragma once
// What a checkpoint was trained on, so that a later command reading data with it (train --resume,
// landscape) can tell when the data differ: a checkpoint of MNIST evaluated on Fashion-MNIST gives a
// loss that means nothing, and both sets share the IDX file names. A fingerprint holds the data's
// kind and source (for messages), the example counts, and a hash of the first examples; two data sets
// are the same when the counts and the hash agree, wherever the files lie.
//   DataFingerprint f = fingerprint_data(train, test, "idx", "/data/mnist", {"train-images-idx3-ubyte.gz", ...});
// A reader of another format feeds its Dataset pair the same way ("csv", "x.csv").
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::train {

struct DataFingerprint {
  std::string kind = {};                // how the examples were read: "idx", "inline", ...
  std::string source = {};              // where from: a directory, a file, a config
  std::vector<std::string> files = {};  // the files read, by name (may be empty)
  std::int64_t train_examples = 0;
  std::int64_t test_examples = 0;
  std::string hash = {};  // 16 hex digits: FNV-1a over the first kFingerprintExamples of each set

  // "IDX files in /data/mnist (train-images-idx3-ubyte.gz, ...): 60000 training and 10000 test examples".
  std::string describe() const;
};

// The examples of each set the hash covers: enough to tell data sets apart, few enough to cost nothing.
inline constexpr std::int64_t kFingerprintExamples = 100;

// The fingerprint of a training and a test set as read, before any normalization: the hash covers
// each set's input shape and its first examples' inputs (the raw bytes when the set keeps them,
// data::Dataset::pixels, else the values rounded to float32, so the dtype does not matter) and targets.
DataFingerprint fingerprint_data(const data::Dataset& train, const data::Dataset& test, std::string kind,
                                 std::string source, std::vector<std::string> files = {});

// Same counts and hash: the same examples, wherever they were read from.
bool same_data(const DataFingerprint& a, const DataFingerprint& b);

// As a checkpoint's metadata keeps it: keys "data.kind", "data.source", "data.files", "data.train_examples",
// "data.test_examples", "data.hash".
void write_fingerprint(const DataFingerprint& f, std::map<std::string, std::string>& metadata);
// Absent (nullopt) when the metadata has no "data.hash": a checkpoint from before fingerprints.
std::optional<DataFingerprint> read_fingerprint(const std::map<std::string, std::string>& metadata);

// Throws IoError naming both data sets when `checkpoint` (its path) was trained on other data than
// `now`; writes a warning to `warnings` when it records none (an older checkpoint).
void check_same_data(const std::string& checkpoint, const std::optional<DataFingerprint>& trained,
                     const DataFingerprint& now, std::ostream& warnings);

}  // namespace descent::train
